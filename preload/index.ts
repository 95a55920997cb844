// The preload script: exposes window.hardbound and nothing else (never ipcRenderer itself).
import { contextBridge, ipcRenderer } from 'electron';
import { createHardboundBridge } from './hardbound-bridge';

contextBridge.exposeInMainWorld('hardbound', createHardboundBridge(ipcRenderer));
