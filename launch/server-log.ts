// How `npm start` shows the server's log: pretty-printed lines by default (pino-pretty, pino's own
// pretty-printer), or pino's JSON lines with LOG_FORMAT=json for a machine to read. The printer runs in this
// thread, writing synchronously, rather than as a worker-thread transport: the server's start-up lines then
// come out before the summary npm start prints after them, not interleaved with it.
import type { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';
import { createLogger } from '../server/observability/logger';

export type LogFormat = 'pretty' | 'json';

export function logFormatFromEnv(env: Record<string, string | undefined>): { ok: true; format: LogFormat } | { ok: false; problem: string } {
  const raw = env.LOG_FORMAT;
  if (raw === undefined || raw === '' || raw === 'pretty') return { ok: true, format: 'pretty' };
  if (raw === 'json') return { ok: true, format: 'json' };
  return { ok: false, problem: `LOG_FORMAT="${raw}" must be pretty or json` };
}

export interface ServerLogOptions {
  level: string;
  format: LogFormat;
  /** Where the lines go; stdout when not given. */
  out?: NodeJS.WritableStream;
  colorize?: boolean;
}

/** The server's logger with its redaction and serializers unchanged: only how a line is written differs. */
export function serverLogger(options: ServerLogOptions): Logger {
  if (options.format === 'json') return createLogger(options.level, options.out as DestinationStream | undefined);
  const stream = pretty({
    colorize: options.colorize ?? (options.out === undefined && process.stdout.isTTY === true),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,reqId',
    singleLine: true,
    sync: true,
    destination: options.out ?? 1,
  });
  return createLogger(options.level, stream);
}
