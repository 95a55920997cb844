// The license core as bench:startup starts it, shared by the bench and its fresh-process child: a cached
// Enterprise entitlement, the license server unreachable, and the time from start() to the first state.
import { performance } from 'node:perf_hooks';
import type { JSONWebKeySet } from 'jose';
import { systemClock } from '../common/clock';
import { LicenseCore } from '../main/license/license-core';
import { readOsMachineId } from '../main/license/machine-id';
import { nodeHttpTransport } from '../main/license/node-transport';
import type { CheckoutWindowOpener, SecretStore } from '../main/license/ports';

export const ISSUER = 'hardbound-bench';
export const SALT = 'hardbound-bench-salt';
/** Nothing listens here: the first refresh fails, after the first state is out. */
const UNREACHABLE = 'http://127.0.0.1:9';
const noWindow: CheckoutWindowOpener = { open: () => ({ outcome: new Promise(() => undefined), close: () => undefined }) };
const transport = nodeHttpTransport({ env: {} });

/** From start() to the first published state, for a fresh core over `secrets`. */
export async function coldStart(secrets: SecretStore, jwks: JSONWebKeySet): Promise<{ ms: number; tier: string }> {
  const core = new LicenseCore({
    env: { clock: systemClock, readMachineId: readOsMachineId },
    secrets,
    server: { baseUrl: UNREACHABLE, transport, retry: { attempts: 1 } },
    pinnedJwks: jwks,
    issuer: ISSUER,
    appSalt: SALT,
    checkoutWindow: noWindow,
  });
  let publishedAt = 0;
  let tier = '';
  const off = core.onState((state) => {
    if (publishedAt === 0) {
      publishedAt = performance.now();
      tier = state.license.tier;
    }
  });
  const started = performance.now();
  await core.start();
  off();
  await core.stop();
  // The refresh start() began fails against the closed port; let it end before the next run starts.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { ms: publishedAt - started, tier };
}
