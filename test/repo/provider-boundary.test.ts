// The provider port holds: ESLint refuses an import of a provider's own folder from the provider-neutral parts of
// the server, and accepts the port, the registry and the errors there; the provider folders themselves may.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the provider boundary', () => {
  it.each(['billing', 'checkouts', 'licenses', 'webhooks', 'support', 'reconciliation'])('server/%s/ may not import a providers/<name>/ folder', async (area) => {
    for (const provider of ['paypal/client', 'paystack/client', 'paypal']) {
      const found = await restrictedImports(`server/${area}/probe.ts`, `import type { X } from '../providers/${provider}';\nexport type Y = X;\n`);
      expect(found, provider).toEqual([expect.stringMatching(/reach providers only through server\/providers\/port\.ts/)]);
    }
  });

  it('the port, the registry and the errors are open to them, and a provider folder to the composition root', async () => {
    for (const module of ['port', 'registry', 'errors']) {
      expect(await restrictedImports('server/checkouts/probe.ts', `import type { X } from '../providers/${module}';\nexport type Y = X;\n`)).toEqual([]);
    }
    expect(await restrictedImports('server/probe.ts', `import type { X } from './providers/paystack/client';\nexport type Y = X;\n`)).toEqual([]);
  });
});
