// At most `max` open connections: one more is answered 503 at once and closed, instead of being held open
// (or, as net.Server's maxConnections does, dropped without a word).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ApiErrorBody } from '../../common/api';

const BODY: ApiErrorBody = {
  error: { code: 'too_many_connections', message: 'The server has too many open connections; retry in a moment.' },
};
const TEXT = JSON.stringify(BODY);
const ANSWER = `HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(TEXT)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n${TEXT}`;
/** A refused client that does not read its answer is not waited for longer than this. */
const REFUSAL_LINGER_MS = 1_000;

export function capConnections(server: Server, max: number, onRefused: () => void): void {
  let open = 0;
  server.on('connection', (socket: Socket) => {
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
    if (open <= max) return;
    onRefused();
    socket.end(ANSWER);
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  });
}
