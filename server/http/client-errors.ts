// What a client gets when node:http gives up on its request before any route sees it: too slow (the headers or
// request timeout), headers too large, or bytes that are not HTTP. Our usual error body, then the socket closes.
import type { Socket } from 'node:net';
import type { ApiErrorBody, ApiErrorCode } from '../../common/api';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function refusal(error: NodeJS.ErrnoException): { status: number; code: ApiErrorCode; message: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'request_timeout', message: 'The request was not received in time; send it whole, without pauses.' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large', message: 'The request headers are too large.' };
  return { status: 400, code: 'bad_request', message: 'The request is not valid HTTP.' };
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, onRefused: (code: ApiErrorCode) => void): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = refusal(error);
  onRefused(code);
  const body: ApiErrorBody = { error: { code, message } };
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy();
}
