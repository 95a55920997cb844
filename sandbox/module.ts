import type { FastifyInstance } from 'fastify';

/** A slice of the sandbox: its HTTP routes (PayPal's API and its /__sandbox/ control routes) and the same
 *  control operations as functions, for in-process tests. */
export interface SandboxModule<Control> {
  routes(app: FastifyInstance): void;
  control: Control;
  /** Stops timers and in-flight work when the sandbox closes. */
  close?(): Promise<void>;
}
