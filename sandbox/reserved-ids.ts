// Ids a test reserves for the next resources of a kind, so that a genuine PayPal body (which names its order,
// capture, sale, refund, subscription, plan or dispute by id) can be delivered byte for byte while the
// resources it names exist in the sandbox under exactly those ids.
import type { FastifyInstance } from 'fastify';
import { PayPalError } from './errors';
import { PLAN_ID_PATTERN } from './ids';
import type { SandboxState } from './state';

export const RESERVABLE_KINDS = ['order', 'capture', 'subscription', 'sale', 'refund', 'dispute', 'plan'] as const;
export type ReservableKind = (typeof RESERVABLE_KINDS)[number];

/** The shapes PayPal's ids of each kind take (orders ^[A-Z0-9]+$ up to 36; disputes PP-D-… or PP-000-…). */
const PATTERNS: Record<ReservableKind, RegExp> = {
  order: /^[A-Z0-9]{1,36}$/,
  capture: /^[A-Z0-9]{1,36}$/,
  sale: /^[A-Z0-9]{1,36}$/,
  refund: /^[A-Z0-9]{1,36}$/,
  subscription: /^I-[A-Z0-9]{1,48}$/,
  dispute: /^PP-[A-Z0-9-]{1,252}$/,
  plan: PLAN_ID_PATTERN,
};

export interface ReservedIdsControl {
  /** The next resources of `kind` created, by any road (API, hosted page, control, renewals), take these ids
   *  in order; then ids are generated again. Answers every id of the kind still waiting. */
  reserveIds(kind: ReservableKind, ids: string[]): { kind: ReservableKind; reserved: string[] };
}

export class ReservedIds {
  private readonly waiting = new Map<ReservableKind, string[]>();

  constructor(private readonly state: SandboxState) {}

  reserve(kind: unknown, ids: unknown): { kind: ReservableKind; reserved: string[] } {
    if (!RESERVABLE_KINDS.includes(kind as ReservableKind)) throw invalid('/kind', kind);
    const known = kind as ReservableKind;
    if (!Array.isArray(ids) || ids.length === 0) throw invalid('/ids', ids);
    const queue = this.waiting.get(known) ?? [];
    ids.forEach((id: unknown, i) => {
      if (typeof id !== 'string' || !PATTERNS[known].test(id)) throw invalid(`/ids/${i}`, id);
      if (this.inUse(known, id) || queue.includes(id) || ids.indexOf(id) !== i) throw duplicate(`/ids/${i}`, id);
    });
    queue.push(...(ids as string[]));
    this.waiting.set(known, queue);
    return { kind: known, reserved: [...queue] };
  }

  /** The next reserved id of the kind, or a freshly generated one. */
  next(kind: ReservableKind, generate: () => string): string {
    return this.waiting.get(kind)?.shift() ?? generate();
  }

  private inUse(kind: ReservableKind, id: string): boolean {
    const { state } = this;
    switch (kind) {
      case 'order': return state.orders.has(id);
      case 'capture': return state.captures.has(id);
      case 'sale': return state.sales.has(id);
      case 'refund': return state.refunds.has(id) || state.saleRefunds.has(id);
      case 'subscription': return state.subscriptions.has(id);
      case 'dispute': return state.disputes.has(id);
      case 'plan': return state.plans.has(id);
    }
  }
}

export function registerReservedIdRoutes(app: FastifyInstance, reserved: ReservedIds): void {
  app.post('/__sandbox/ids', async (req) => {
    const body = (req.body ?? {}) as { kind?: unknown; ids?: unknown };
    return reserved.reserve(body.kind, body.ids);
  });
}

function invalid(field: string, value: unknown): PayPalError {
  return new PayPalError(400, 'INVALID_REQUEST', [{
    field, value: typeof value === 'string' ? value : JSON.stringify(value), location: 'body', issue: 'INVALID_PARAMETER_VALUE',
    description: field === '/kind'
      ? `One of ${RESERVABLE_KINDS.join(', ')}.`
      : field === '/ids' ? 'A non-empty array of ids.' : 'Not an id PayPal would give a resource of this kind.',
  }]);
}

function duplicate(field: string, id: string): PayPalError {
  return new PayPalError(422, 'UNPROCESSABLE_ENTITY', [{
    field, value: id, location: 'body', issue: 'DUPLICATE_RESOURCE_IDENTIFIER',
    description: 'A resource with this id exists or the id is already reserved.',
  }]);
}
