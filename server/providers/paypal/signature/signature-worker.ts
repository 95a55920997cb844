// Runs on the worker thread started by signature-worker-pool.ts: RSA-SHA256 verifications, one batch per message, and
// for a delivery whose signature verified, its body read — so neither costs the event loop.
import { verify, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { readDelivery } from '../read-delivery';
import type { VerifyBatch, VerifyItem, VerifyResult, VerifyResults } from './signature-worker-messages';

const keys = new Map<number, KeyObject>();

function verifyOne({ keyId, message, signature, body }: VerifyItem): VerifyResult {
  const key = keys.get(keyId);
  if (key === undefined) return 'error';
  let valid: boolean;
  try {
    valid = verify('sha256', message, key, signature);
  } catch {
    return 'error';
  }
  return valid && body !== undefined ? { valid, reading: readDelivery(body) } : { valid };
}

parentPort?.on('message', ({ batch, newKeys, items }: VerifyBatch) => {
  for (const [id, key] of newKeys) keys.set(id, key);
  parentPort?.postMessage({ batch, results: items.map(verifyOne) } satisfies VerifyResults);
});
