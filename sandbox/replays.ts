// Idempotency as PayPal keeps it: a retried request with the same PayPal-Request-Id gets the first answer
// again and changes nothing. The keys are the caller's request ids, not records, so each route family keeps
// its own cache rather than the shared state.

export class RequestIdReplays<T> {
  private readonly firstAnswers = new Map<string, T>();

  /** Runs `act` once per `scope` (e.g. one capture's refunds) and request id; a repeat gets the first answer.
   *  Without a request id every call runs. A call that throws is not remembered, as PayPal lets it be retried. */
  once(scope: string, requestId: string | undefined, act: () => T): { answer: T; replayed: boolean } {
    if (requestId === undefined) return { answer: act(), replayed: false };
    const key = JSON.stringify([scope, requestId]);
    if (this.firstAnswers.has(key)) return { answer: this.firstAnswers.get(key) as T, replayed: true };
    const answer = act();
    this.firstAnswers.set(key, answer);
    return { answer, replayed: false };
  }
}
