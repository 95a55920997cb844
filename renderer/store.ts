// The renderer's one store: the AppState main pushes, plus what only the UI knows (dialog, plans request,
// pending commands, the demo workflows). Every command goes through window.hardbound; nothing else talks to main.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppState, PlanCatalog } from '../common/app-state';
import type { HardboundApi, LicenseImport } from '../common/ipc';
import { isFlowInProgress } from './flow-steps';
import { errorMessage } from './format';
import { canAddWorkflow } from './workflow-limit';

export type PlansRequest =
  | { status: 'idle' | 'loading' }
  | { status: 'ready'; catalog: PlanCatalog }
  | { status: 'error'; message: string };

/** The cancel-subscription dialog: asking the person to confirm (main knows nothing yet), or showing what
 *  main reports in AppState.manage once they have. */
export type CancelDialog = 'closed' | 'confirming' | 'submitted';

export interface Workflow {
  id: number;
  name: string;
}

export interface UiState {
  /** Null until main first answers. */
  app: AppState | null;
  /** Main could not be reached at all (shown instead of the app). */
  connectionError: string | null;
  upgradeOpen: boolean;
  plansRequest: PlansRequest;
  /** The last started upgrade — plan, provider and, for a provider that needs it, the e-mail typed for it —
   *  what Retry starts again. Held in memory while the dialog is open, never stored. */
  lastUpgrade: UpgradeRequest | null;
  refreshing: boolean;
  cancelDialog: CancelDialog;
  /** A command main rejected, in words. */
  commandError: string | null;
  workflows: Workflow[];
  nextWorkflowId: number;
}

export interface UiActions {
  openUpgrade(): void;
  closeUpgrade(): Promise<void>;
  loadPlans(): Promise<void>;
  startUpgrade(request: UpgradeRequest): Promise<void>;
  retryUpgrade(): Promise<void>;
  /** The checkout window was closed without paying: the same payment page again. */
  reopenCheckout(): Promise<void>;
  cancelUpgrade(): Promise<void>;
  refresh(): Promise<void>;
  openCancelSubscription(): void;
  confirmCancelSubscription(): Promise<void>;
  closeCancelSubscription(): void;
  copyText(text: string): Promise<boolean>;
  /** "Update your payment method": the billing provider's page in the system browser. */
  openPaymentSettings(): Promise<void>;
  /** Hands a pasted license token to main; the answer (applied, or why not) is for the form to show. */
  importLicense(token: string): Promise<LicenseImport>;
  /** "Release this computer"; the code then arrives in the state (license.transfer). */
  releaseLicense(): Promise<LicenseImport>;
  redeemTransferCode(code: string): Promise<LicenseImport>;
  addWorkflow(): void;
  removeWorkflow(id: number): void;
}

export type UiStore = UiState & UiActions;

export interface UpgradeRequest {
  planId: string;
  /** null: the plan's default (a server that names no providers). */
  provider: string | null;
  email: string | null;
}

export function createUiStore(api: HardboundApi): StoreApi<UiStore> {
  return createStore<UiStore>()((set, get) => {
    async function command(run: () => Promise<void>): Promise<void> {
      set({ commandError: null });
      try {
        await run();
      } catch (error) {
        set({ commandError: errorMessage(error) });
      }
    }

    return {
      app: null,
      connectionError: null,
      upgradeOpen: false,
      plansRequest: { status: 'idle' },
      lastUpgrade: null,
      refreshing: false,
      cancelDialog: 'closed',
      commandError: null,
      workflows: [],
      nextWorkflowId: 1,

      openUpgrade() {
        set({ upgradeOpen: true, commandError: null });
        void get().loadPlans();
      },
      async closeUpgrade() {
        const { app } = get();
        if (app && isFlowInProgress(app.flow)) return;
        // Close at once; main's next push confirms the idle flow. The e-mail typed for it goes with the dialog.
        set({ upgradeOpen: false, lastUpgrade: null, app: app && { ...app, flow: { step: 'idle' } } });
        if (app && app.flow.step !== 'idle') await command(() => api.dismissFlow());
      },
      async loadPlans() {
        set({ plansRequest: { status: 'loading' } });
        try {
          set({ plansRequest: { status: 'ready', catalog: await api.listPlans() } });
        } catch (error) {
          set({ plansRequest: { status: 'error', message: errorMessage(error) } });
        }
      },
      async startUpgrade(request) {
        set({ lastUpgrade: request, upgradeOpen: true });
        await command(() => api.startUpgrade(request.planId, request.provider, request.email));
      },
      async retryUpgrade() {
        const { lastUpgrade } = get();
        if (lastUpgrade) return get().startUpgrade(lastUpgrade);
        // Nothing to repeat (the flow began before this window loaded): back to the plan list.
        await command(() => api.dismissFlow());
        void get().loadPlans();
      },
      async reopenCheckout() {
        await command(() => api.reopenCheckout());
      },
      async cancelUpgrade() {
        await command(() => api.cancelUpgrade());
      },
      async refresh() {
        set({ refreshing: true });
        await command(() => api.refresh());
        set({ refreshing: false });
      },
      openCancelSubscription() {
        set({ cancelDialog: 'confirming', commandError: null });
      },
      async confirmCancelSubscription() {
        const { app } = get();
        // Shown at once (main's push confirms it), so an earlier attempt's outcome never flashes up.
        set({ cancelDialog: 'submitted', app: app && { ...app, manage: { step: 'cancelling' } } });
        await command(() => api.cancelSubscription());
      },
      closeCancelSubscription() {
        // While main is cancelling, its outcome is what the person is waiting for: the dialog stays.
        if (get().cancelDialog === 'submitted' && get().app?.manage.step === 'cancelling') return;
        set({ cancelDialog: 'closed', commandError: null });
      },
      async copyText(text) {
        let copied = false;
        await command(async () => {
          await api.copyText(text);
          copied = true;
        });
        return copied;
      },
      async openPaymentSettings() {
        await command(() => api.openPaymentSettings());
      },
      importLicense: (token) => answerOf(() => api.importLicense(token)),
      releaseLicense: () => answerOf(() => api.releaseLicense()),
      redeemTransferCode: (code) => answerOf(() => api.redeemTransferCode(code)),
      addWorkflow() {
        const { app, workflows, nextWorkflowId } = get();
        if (!canAddWorkflow(app?.license.tier ?? 'free', workflows.length)) return;
        set({ workflows: [...workflows, { id: nextWorkflowId, name: `Workflow ${nextWorkflowId}` }], nextWorkflowId: nextWorkflowId + 1 });
      },
      removeWorkflow(id) {
        set({ workflows: get().workflows.filter((w) => w.id !== id) });
      },
    };
  });
}

/** A call whose answer a form shows: a rejection (main unreachable) reads like any refusal. */
async function answerOf(call: () => Promise<LicenseImport>): Promise<LicenseImport> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
}

/** Feeds the store from main: every pushed state, and the current one at start. Returns the unsubscribe. */
export function connectUiStore(store: StoreApi<UiStore>, api: HardboundApi): () => void {
  let pushed = false;
  const unsubscribe = api.onState((app) => {
    pushed = true;
    store.setState({ app, connectionError: null });
  });
  api.getState().then(
    // A push that arrived meanwhile is newer than this answer.
    (app) => { if (!pushed) store.setState({ app }); },
    (error) => { if (!pushed) store.setState({ connectionError: errorMessage(error) }); },
  );
  return unsubscribe;
}
