// POSTs one delivery attempt to a listener URL. Keep-alive agents of its own let a benchmark push thousands of
// deliveries a second, and let close() cut every open connection.
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';

export interface AttemptOutcome {
  /** The listener's HTTP status; absent when no response came. */
  statusCode?: number;
  /** TIMEOUT, or the connection error's code (ECONNREFUSED, ECONNRESET, ...). */
  error?: string;
}

const AGENT_OPTIONS = {
  keepAlive: true,
  maxSockets: 256,
  // Idle sockets are dropped before a listener's own keep-alive timeout (node's default is 5 s) can close
  // one just as it is reused, which would turn into a spurious failed attempt.
  timeout: 4_000,
};

export class ListenerClient {
  private readonly httpAgent = new http.Agent(AGENT_OPTIONS);
  private readonly httpsAgent = new https.Agent(AGENT_OPTIONS);
  private readonly open = new Set<ClientRequest>();

  constructor(private readonly timeoutMs: number) {}

  post(url: string, headers: Record<string, string>, body: Buffer): Promise<AttemptOutcome> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ error: 'INVALID_URL' });
    }
    const secure = target.protocol === 'https:';
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: AttemptOutcome): void => {
        if (settled) return;
        settled = true;
        this.open.delete(req);
        resolve(outcome);
      };
      const failure = (error: unknown): AttemptOutcome => ({
        error: timeout.aborted ? 'TIMEOUT' : ((error as { code?: string } | undefined)?.code ?? 'CONNECTION_ERROR'),
      });
      const req = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(body.length) },
          agent: secure ? this.httpsAgent : this.httpAgent,
          signal: timeout,
        },
        (res) => {
          // The answer counts once it is read in full, so a listener that stalls mid-body times out.
          res.on('end', () => finish({ statusCode: res.statusCode }));
          res.on('error', (error) => finish(failure(error)));
          res.on('close', () => finish(res.complete ? { statusCode: res.statusCode } : failure(undefined)));
          res.resume();
        },
      );
      req.on('error', (error) => finish(failure(error)));
      req.on('close', () => finish(failure(undefined)));
      this.open.add(req);
      req.end(body);
    });
  }

  /** Aborts every open request (each settles as a failed attempt) and closes idle connections. */
  close(): void {
    for (const req of this.open) req.destroy();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
