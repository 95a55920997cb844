import { createContext, useContext } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { UiStore } from './store';

export const UiStoreContext = createContext<StoreApi<UiStore> | null>(null);

export function useUi<T>(selector: (state: UiStore) => T): T {
  const store = useContext(UiStoreContext);
  if (!store) throw new Error('useUi needs a UiStoreContext provider');
  return useStore(store, selector);
}
