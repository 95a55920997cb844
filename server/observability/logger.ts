// pino with redaction. Request logs carry method, route path and status only: query strings are dropped
// because PayPal's return URL carries the payer id (PayerID), and bodies are never logged.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["paypal-transmission-sig"]',
  '*.token',
  '*.pollToken',
  '*.access_token',
  '*.email_address',
  '*.payer_id',
  '*.payer',
  '*.body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}
