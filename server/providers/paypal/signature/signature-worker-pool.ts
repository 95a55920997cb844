// RSA-SHA256 verification on a worker thread, in batches, and for a verified delivery the reading of its body
// (JSON parse and translation). Those are the largest costs of a webhook delivery; on the event loop they are
// time taken from HTTP and SQLite, which only that thread can do.
// Handing each check over alone costs about as much as doing it (thread wake-ups, message copies), so the
// checks asked for in one turn of the event loop travel together, as the group commit does with fsyncs.
import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { DeliveryReading } from '../read-delivery';
import type { VerifyBatch, VerifyResults } from './signature-worker-messages';

export interface SignatureCheck {
  valid: boolean;
  /** The body read, when it was given and the signature verified. */
  reading?: DeliveryReading;
}

interface Pending {
  keyId: number;
  message: Buffer;
  signature: Buffer;
  body: Uint8Array | undefined;
  resolve(check: SignatureCheck): void;
  reject(error: Error): void;
}

/** Bounds one message (and so what one worker failure can fail at once). */
const MAX_BATCH = 256;

export class SignatureWorkerPool {
  private worker: Worker | undefined;
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Map<number, Pending[]>();
  private nextBatch = 0;
  private keyIds = new WeakMap<KeyObject, number>();
  private nextKeyId = 0;
  /** Keys given an id since the last batch was sent: the (possibly new) worker learns them with it. */
  private unsentKeys: [number, KeyObject][] = [];
  private closed = false;

  /** Resolves with the verdict, and with `body` read if it verified; rejects only when the check itself could
   *  not be made (worker failure). */
  verify(message: Buffer, key: KeyObject, signature: Buffer, body?: Uint8Array): Promise<SignatureCheck> {
    if (this.closed) return Promise.reject(new Error('the signature worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ keyId: this.idOf(key), message, signature, body, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  /** Starts the worker thread ahead of the first check (it takes a few hundred milliseconds to load). */
  start(): void {
    if (!this.closed) this.workerThread();
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the signature worker pool closed'));
    await worker?.terminate();
  }

  private idOf(key: KeyObject): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.nextKeyId++;
      this.keyIds.set(key, id);
      this.unsentKeys.push([id, key]);
    }
    return id;
  }

  private send(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && !this.closed) {
      const items = this.queue.splice(0, MAX_BATCH);
      const batch = this.nextBatch++;
      this.inFlight.set(batch, items);
      const message: VerifyBatch = {
        batch,
        newKeys: this.unsentKeys,
        items: items.map(({ keyId, message: signed, signature, body }) => ({ keyId, message: signed, signature, ...(body ? { body } : {}) })),
      };
      this.unsentKeys = [];
      this.workerThread().postMessage(message);
    }
  }

  private workerThread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./signature-worker.mjs', import.meta.url));
    // An idle pool must not keep the process alive; close() ends it for good.
    worker.unref();
    worker.on('message', ({ batch, results }: VerifyResults) => {
      const items = this.inFlight.get(batch) ?? [];
      this.inFlight.delete(batch);
      items.forEach((item, i) => {
        const result = results[i];
        if (result === undefined || result === 'error') item.reject(new Error('node:crypto could not run the RSA verification'));
        else item.resolve(result);
      });
    });
    const lost = (error: Error) => {
      if (this.worker !== worker) return;
      // The next batch starts a new worker, which knows no key yet: ids start afresh, and what was asked under
      // the old ones fails (the webhook answers 5xx and PayPal delivers it again).
      this.worker = undefined;
      this.keyIds = new WeakMap();
      this.unsentKeys = [];
      this.failAll(error);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the signature worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const items of this.inFlight.values()) for (const item of items) item.reject(error);
    this.inFlight.clear();
    for (const item of this.queue.splice(0)) item.reject(error);
  }
}
