// Our records as the webhook resolver reads them: who a provider id was bound to, and checkouts.
import type { OurRecords } from '../providers/paypal/resolve-trigger';
import * as checkouts from '../store/checkouts';
import type { Store } from '../store/database';
import * as providerRefs from '../store/provider-refs';

export function ourRecords(store: Store, provider = 'paypal'): OurRecords {
  return {
    refOwner: async (ref) => providerRefs.find(store.db, provider, ref),
    checkout: (id) => checkouts.get(store.db, id),
  };
}
