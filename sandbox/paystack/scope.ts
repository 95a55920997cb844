// The HTTP scope the stand-in's routes live in: Paystack's error bodies for everything under its prefix,
// bearer secret-key auth on the API (not on the hosted page), and the API faults.
import type { FastifyInstance } from 'fastify';
import { OAuthError, PayPalError } from '../errors';
import type { ApiFaultState } from './api-faults';
import { PaystackError, paystackErrors } from './errors';

/** Paystack's error body for every failure inside the scope, whatever threw it. */
export function usePaystackErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof PaystackError) return reply.status(error.status).send(error.body());
    // Raised by code shared with the PayPal stand-in: the JSON body parser, fault validation.
    if (error instanceof PayPalError || error instanceof OAuthError) {
      const detail = error instanceof PayPalError ? error.details[0] : undefined;
      const message = detail ? `${detail.field ? `${detail.field}: ` : ''}${detail.description}` : error.message;
      return reply.status(error.status >= 500 ? 500 : 400).send(paystackErrors.invalid(message).body());
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send(paystackErrors.invalid(error instanceof Error ? error.message : 'Invalid request').body());
    }
    reply.log.error(error);
    return reply.status(500).send(paystackErrors.serverError().body());
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.status(404).send(paystackErrors.notFound('The requested resource was not found').body());
  });
}

/** Every API call must carry `Authorization: Bearer <secret key>`; anything else is Paystack's 401 "Invalid key". */
export function requireSecretKey(app: FastifyInstance, secretKey: () => string): void {
  app.addHook('onRequest', async (req) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (match?.[1] !== secretKey()) throw paystackErrors.invalidKey();
  });
}

export interface Hangs {
  /** Waits `ms`, or until the sandbox closes; true when cut short by the close. */
  wait(ms: number): Promise<boolean>;
  releaseAll(): void;
}

export function createHangs(): Hangs {
  const pending = new Map<NodeJS.Timeout, () => void>();
  return {
    wait: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve(false);
        }, ms);
        pending.set(timer, () => resolve(true));
      }),
    releaseAll: () => {
      for (const [timer, resolve] of pending) {
        clearTimeout(timer);
        resolve();
      }
      pending.clear();
    },
  };
}

/** Applies the API faults to each call, by its path below the prefix. Runs after auth: a wrong key is still 401. */
export function applyApiFaults(app: FastifyInstance, faults: ApiFaultState, hangs: Hangs, prefix: string): void {
  app.addHook('preHandler', async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '').slice(prefix.length) || '/';
    const { hangMs, failStatus } = faults.take(path);
    if (hangMs !== undefined && (await hangs.wait(hangMs))) {
      // The sandbox is closing: drop the connection unanswered, as a hung server would.
      req.raw.socket.destroy();
      return reply.hijack();
    }
    if (failStatus !== undefined) throw paystackErrors.serverError(failStatus);
  });
}
