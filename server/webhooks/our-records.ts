// Our records as a provider's webhook resolver reads them: who a provider id was bound to, and checkouts.
import type { OurRecords } from '../providers/port';
import * as checkouts from '../store/checkouts';
import type { Store } from '../store/database';
import * as providerRefs from '../store/provider-refs';

export function ourRecords(store: Store, provider: string): OurRecords {
  return {
    refOwner: async (ref) => providerRefs.find(store.db, provider, ref),
    // Another provider's checkout is nothing of this provider's: its deliveries cannot name it.
    checkout: async (id) => {
      const found = await checkouts.get(store.db, id);
      return found?.provider === provider ? found : undefined;
    },
  };
}
