// npm start's server log: human lines by default, pino's JSON lines with LOG_FORMAT=json, the same redaction either way.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logFormatFromEnv, serverLogger, type LogFormat } from '../../launch/server-log';

function capture(format: LogFormat): { lines: () => string[]; log: ReturnType<typeof serverLogger> } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const log = serverLogger({ level: 'info', format, out, colorize: false });
  return { log, lines: () => text.split('\n').filter((l) => l !== '') };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('serverLogger', () => {
  it('writes one readable line per entry by default, with the redaction of the JSON log', async () => {
    const { log, lines } = capture('pretty');
    log.info({ payer: { email_address: 'buyer@example.com' }, checkoutId: 'chk_1' }, 'checkout completed');
    log.warn('generated a development signing key');
    log.debug('not at info level');
    await tick();
    expect(lines()).toHaveLength(2);
    expect(lines()[0]).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: checkout completed \{.*"checkoutId":"chk_1"/);
    expect(lines()[0]).toContain('[redacted]');
    expect(lines()[0]).not.toContain('buyer@example.com');
    expect(lines()[1]).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: generated a development signing key$/);
    for (const line of lines()) expect(line).not.toMatch(/^\{/);
  });

  it('writes pino JSON lines with LOG_FORMAT=json', async () => {
    const { log, lines } = capture('json');
    log.info({ payer: { email_address: 'buyer@example.com' } }, 'checkout completed');
    await tick();
    expect(lines()).toHaveLength(1);
    const entry = JSON.parse(lines()[0] as string) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, msg: 'checkout completed', payer: { email_address: '[redacted]' } });
  });
});

describe('logFormatFromEnv', () => {
  it('reads pretty (the default) or json and names anything else', () => {
    expect(logFormatFromEnv({})).toEqual({ ok: true, format: 'pretty' });
    expect(logFormatFromEnv({ LOG_FORMAT: 'pretty' })).toEqual({ ok: true, format: 'pretty' });
    expect(logFormatFromEnv({ LOG_FORMAT: 'json' })).toEqual({ ok: true, format: 'json' });
    expect(logFormatFromEnv({ LOG_FORMAT: 'xml' })).toEqual({ ok: false, problem: 'LOG_FORMAT="xml" must be pretty or json' });
  });
});
