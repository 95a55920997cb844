import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { connectUiStore, createUiStore } from './store';
import { UiStoreContext } from './store-context';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const api = window.hardbound;
if (api) {
  const store = createUiStore(api);
  connectUiStore(store, api);
  root.render(
    <StrictMode>
      <UiStoreContext.Provider value={store}>
        <App />
      </UiStoreContext.Provider>
    </StrictMode>,
  );
} else {
  root.render(<p className="notice notice-error">This page runs inside the Hardbound app: window.hardbound is missing.</p>);
}
