// What the event loop and the signature worker thread say to each other (signature-worker-pool.ts, signature-worker.ts).
import type { KeyObject } from 'node:crypto';
import type { DeliveryReading } from '../read-delivery';

export interface VerifyItem {
  keyId: number;
  message: Buffer;
  signature: Buffer;
  /** The delivery's body, to be read (read-delivery.ts) if, and only if, the signature verifies. */
  body?: Uint8Array;
}

export interface VerifyBatch {
  batch: number;
  /** Keys the worker has not been sent yet (KeyObjects cross threads by structured clone). */
  newKeys: [number, KeyObject][];
  items: VerifyItem[];
}

/** Per item: the verdict (with the body read when it verified and was sent), or 'error' when node:crypto threw
 *  (never a false "bad signature"). */
export type VerifyResult = { valid: boolean; reading?: DeliveryReading } | 'error';

export interface VerifyResults {
  batch: number;
  results: VerifyResult[];
}
