// Development with several server processes: only the first starts the embedded sandbox on
// HARDBOUND_SANDBOX_PORT; the next finds it answering there and uses it (credentials and certificate included),
// also when both start at the same instant. A port held by something else is named, not papered over.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv, type ServerConfig } from '../../server/config/env';
import { PayPalAccount } from '../../server/providers/paypal/account';
import { systemClock } from '../../common/clock';
import { resolvePayPal, type ResolvedPayPal } from '../../launch/paypal-connection';
import { freeLoopbackPort } from './support-server-process';

const resolved: ResolvedPayPal[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  for (const r of resolved.splice(0)) await r.sandbox?.close();
  for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
});

function developmentConfig(sandboxPort: number): ServerConfig {
  const result = configFromEnv({ HARDBOUND_MODE: 'development', HARDBOUND_SANDBOX_PORT: String(sandboxPort), HARDBOUND_DATA_DIR: '/nonexistent-unused' });
  if ('problems' in result) throw new Error(result.problems.join('; '));
  return result.config;
}

/** The credentials it was handed work there: an authenticated call succeeds. */
async function canGetToken(r: ResolvedPayPal): Promise<boolean> {
  const account = new PayPalAccount({ baseUrl: r.connection.apiBase, clientId: r.connection.clientId, clientSecret: r.connection.clientSecret, clock: systemClock, timeoutMs: 5_000 });
  const url = `http://127.0.0.1:1/probe-${Math.random().toString(36).slice(2)}`;
  const hook = await account.createWebhook(url, ['*'], url);
  return typeof hook.id === 'string';
}

describe('the embedded sandbox with several development processes', () => {
  it('the second process uses the first one\'s sandbox instead of starting another', async () => {
    const port = await freeLoopbackPort();
    const first = await resolvePayPal(developmentConfig(port));
    resolved.push(first);
    const second = await resolvePayPal(developmentConfig(port));
    resolved.push(second);
    expect(first.sandbox?.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(first.sharedSandboxUrl).toBeNull();
    expect(second.sandbox).toBeNull();
    expect(second.sharedSandboxUrl).toBe(first.sandbox!.baseUrl);
    expect(second.connection.apiBase).toBe(first.connection.apiBase);
    expect(second.connection.trustedCaPem).toBe(first.sandbox!.caCertificatePem);
    expect(await canGetToken(second)).toBe(true);
  });

  it('of two starting at once, one starts it and the other uses it', async () => {
    const port = await freeLoopbackPort();
    const both = await Promise.all([resolvePayPal(developmentConfig(port)), resolvePayPal(developmentConfig(port))]);
    resolved.push(...both);
    expect(both.filter((r) => r.sandbox !== null)).toHaveLength(1);
    expect(both.map((r) => r.connection.apiBase)).toEqual([`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`]);
    for (const r of both) expect(await canGetToken(r)).toBe(true);
  });

  it('a port taken by something else is named', async () => {
    const port = await freeLoopbackPort();
    const squatter = http.createServer((_req, res) => res.writeHead(404).end());
    servers.push(squatter);
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    await expect(resolvePayPal(developmentConfig(port))).rejects.toThrow(`HARDBOUND_SANDBOX_PORT ${port} is taken by something that is not a Hardbound sandbox`);
  });
});
