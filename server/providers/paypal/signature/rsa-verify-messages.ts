// What the event loop and the RSA worker thread say to each other (rsa-verify-pool.ts, rsa-verify-worker.ts).
import type { KeyObject } from 'node:crypto';

export interface VerifyItem {
  keyId: number;
  message: Buffer;
  signature: Buffer;
}

export interface VerifyBatch {
  batch: number;
  /** Keys the worker has not been sent yet (KeyObjects cross threads by structured clone). */
  newKeys: [number, KeyObject][];
  items: VerifyItem[];
}

/** Per item: the verdict, or 'error' when node:crypto threw (never a false "bad signature"). */
export type VerifyResult = boolean | 'error';

export interface VerifyResults {
  batch: number;
  results: VerifyResult[];
}
