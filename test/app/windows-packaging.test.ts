// electron-builder.yml read by electron-builder's own loader and checked against its schema, then what a
// shippable package needs: installers for each platform, asar with native addons unpacked (a .node file cannot
// be loaded from inside an archive), and the Electron fuses that close the ways around the app's code.
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ID } from '../../main/electron/app-config';

const require = createRequire(import.meta.url);
const projectRoot = path.resolve(import.meta.dirname, '../..');

interface LoadedConfig {
  appId?: string;
  productName?: string;
  files?: Array<{ filter: string[] }>;
  asar?: boolean;
  asarUnpack?: string[];
  extraResources?: Array<{ from: string; to: string }>;
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
}

let config: LoadedConfig;

beforeAll(async () => {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig(dir: string, file: string, options: null): Promise<LoadedConfig>;
    validateConfiguration(config: LoadedConfig, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  config = await getConfig(projectRoot, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
});

describe('electron-builder.yml', () => {
  it('names the app as the keychain and single-instance lock know it', () => {
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Hardbound');
  });

  it('packs the three bundles and leaves the server-only dependencies out', () => {
    const filter = config.files?.[0]?.filter ?? [];
    expect(filter).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(filter.find((f) => f.startsWith('!node_modules/'))).toMatch(/fastify.*better-sqlite3/);
  });

  it('ships the release config (server URL, pinned keys) beside the app', () => {
    expect(config.extraResources).toEqual([{ from: 'build/hardbound.config.json', to: 'hardbound.config.json' }]);
  });

  it('uses asar with native addons unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node']);
  });

  it('builds AppImage and deb, dmg, nsis', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('sets every fuse: no Node mode, NODE_OPTIONS or inspector; only the integrity-checked asar; no extra file:// rights; encrypted cookies', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });
});
