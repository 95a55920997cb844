import { it, expect } from 'vitest';
import { createCheckout, newAnchor, payOnHostedPage, poll, startHarness } from './harness';
it('probe recurring', async () => {
  const h = await startHarness();
  try {
    const c = await createCheckout(h, newAnchor(), "enterprise-monthly").catch((e) => { console.log(h.logs.join("")); throw e; });
    console.log(c);
    const back = await payOnHostedPage(c.approveUrl);
    console.log(back.toString());
    const v = await poll(h, c, 10);
    console.log(JSON.stringify(v, null, 1));
    await h.sandbox.control.settle(10_000);
    const lic = (v as any).license;
    const r = await h.server.support.lookup(lic.subscriptionId, 'x');
    console.log(JSON.stringify(r, null, 1));
    expect(1).toBe(1);
  } finally { await h.close(); }
});
