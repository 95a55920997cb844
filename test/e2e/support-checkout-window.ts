// The checkout window for the browser tests: each checkout in its own fresh browser context (the isolated
// in-memory partition of the Electron window), ended by navigation reaching our return or cancel URL —
// decided by main's own checkout policy, watched on every main-frame request as main watches webRequest.
import type { Browser, Page } from 'playwright-core';
import { classifyCheckoutUrl, type CheckoutHostPolicy } from '../../main/electron/checkout-policy';
import type { CheckoutWindowHandle, CheckoutWindowOpener, CheckoutWindowOutcome, CheckoutWindowRequest } from '../../main/license/ports';

const OPEN_TIMEOUT_MS = 10_000;

export class BrowserCheckoutWindows implements CheckoutWindowOpener {
  private readonly waiting: Array<(page: Page) => void> = [];
  private readonly unclaimed: Page[] = [];
  private readonly live = new Set<CheckoutWindowHandle>();
  /** When a window last reached our return or cancel URL (the redirect after Pay or Cancel), ms since epoch. */
  lastEndAt: number | null = null;

  constructor(private readonly browser: Browser, private readonly policy: CheckoutHostPolicy) {}

  open(request: CheckoutWindowRequest): CheckoutWindowHandle {
    let settle!: (outcome: CheckoutWindowOutcome) => void;
    const outcome = new Promise<CheckoutWindowOutcome>((resolve) => (settle = resolve));
    let finished = false;
    const contextReady = this.browser.newContext();
    const finish = (result: CheckoutWindowOutcome) => {
      if (!finished) {
        finished = true;
        settle(result);
        this.live.delete(handle);
      }
      void contextReady.then((context) => context.close()).catch(() => undefined);
    };
    const handle: CheckoutWindowHandle = { outcome, close: () => finish({ kind: 'closed' }) };
    this.live.add(handle);

    void (async () => {
      const context = await contextReady;
      const page = await context.newPage();
      page.on('request', (req) => {
        if (!req.isNavigationRequest() || req.frame() !== page.mainFrame()) return;
        const decision = classifyCheckoutUrl(req.url(), request, this.policy);
        if (decision.kind !== 'end') return;
        this.lastEndAt = Date.now();
        finish(decision.outcome);
      });
      page.on('close', () => finish({ kind: 'closed' }));
      this.hand(page);
      await page.goto(request.approveUrl);
    })().catch(() => finish({ kind: 'closed' }));
    return handle;
  }

  /** The next checkout page the app opens (the test plays the buyer in it). */
  nextPage(): Promise<Page> {
    const ready = this.unclaimed.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(new Error(`no checkout window opened within ${OPEN_TIMEOUT_MS} ms`));
      }, OPEN_TIMEOUT_MS);
      const take = (page: Page) => {
        clearTimeout(timer);
        resolve(page);
      };
      this.waiting.push(take);
    });
  }

  get openCount(): number {
    return this.live.size;
  }

  closeAll(): void {
    for (const handle of [...this.live]) handle.close();
  }

  private hand(page: Page): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(page);
    else this.unclaimed.push(page);
  }
}
