// One valid argument list per method of the IPC contract. Typed over the contract, so a method added there
// without a sample here does not compile, and every test iterating over these covers it.
import type { IpcMethodName, IpcMethods } from '../../common/ipc';

export const SAMPLE_ARGS: { [M in IpcMethodName]: Parameters<IpcMethods[M]> } = {
  getState: [],
  listPlans: [],
  startUpgrade: ['enterprise-lifetime', 'paystack', 'ada@example.test'],
  reopenCheckout: [],
  cancelUpgrade: [],
  dismissFlow: [],
  refresh: [],
  cancelSubscription: [],
  openPaymentSettings: [],
  copyText: ['2GG279541U471931P'],
  importLicense: ['eyJ.a.b'],
  releaseLicense: [],
  redeemTransferCode: ['7K3M-Q9XD-2PWA'],
};
