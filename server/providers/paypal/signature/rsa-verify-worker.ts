// Runs on the worker thread started by rsa-verify-pool.ts: RSA-SHA256 verifications, one batch per message.
import { verify, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { VerifyBatch, VerifyResult, VerifyResults } from './rsa-verify-messages';

const keys = new Map<number, KeyObject>();

function verifyOne(keyId: number, message: Buffer, signature: Buffer): VerifyResult {
  const key = keys.get(keyId);
  if (key === undefined) return 'error';
  try {
    return verify('sha256', message, key, signature);
  } catch {
    return 'error';
  }
}

parentPort?.on('message', ({ batch, newKeys, items }: VerifyBatch) => {
  for (const [id, key] of newKeys) keys.set(id, key);
  const results = items.map(({ keyId, message, signature }) => verifyOne(keyId, message, signature));
  parentPort?.postMessage({ batch, results } satisfies VerifyResults);
});
