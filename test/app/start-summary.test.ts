// The summary npm start prints once everything runs.
import { describe, expect, it } from 'vitest';
import { keychainSentence, startSummary } from '../../launch/start-summary';

const base = {
  serverUrl: 'http://127.0.0.1:8787',
  sandboxUrl: 'http://127.0.0.1:8788',
  dataDir: '/srv/hardbound/data',
  logFormat: 'pretty' as const,
  cwd: '/srv/hardbound',
};

describe('startSummary', () => {
  it('names the preview first, every URL, the first click, why Electron did not open and where the token is', () => {
    const text = startSummary({
      ...base,
      previewUrl: 'http://127.0.0.1:8790/',
      electronSkipped: 'this machine cannot reach GitHub, where the Electron binary is downloaded from (getaddrinfo ENOTFOUND github.com)',
      keychainFallback: { reason: 'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled', dir: '/srv/hardbound/data/app' },
    });
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('App (browser preview)'))).toBe('  App (browser preview)  http://127.0.0.1:8790/   ← open this first');
    expect(text).toContain('Companion server       http://127.0.0.1:8787');
    expect(text).toContain('PayPal sandbox         http://127.0.0.1:8788   control API under http://127.0.0.1:8788/__sandbox/');
    expect(text).toContain('Data                   ./data (database, signing keys, the preview\'s license)');
    expect(text).toContain('First: in the app, click "Upgrade to Enterprise", choose a plan and press Pay on the sandbox\'s PayPal page (it opens in a new tab)');
    expect(text).not.toContain('Paystack');
    const both = startSummary({ ...base, previewUrl: 'http://127.0.0.1:8790/', electronSkipped: null, keychainFallback: null, paystackStandInUrl: 'http://127.0.0.1:8788/paystack' });
    expect(both).toContain('Paystack stand-in      http://127.0.0.1:8788/paystack   control API under http://127.0.0.1:8788/__sandbox/paystack/');
    expect(both).toContain('Or choose "Pay with: Paystack", give any e-mail address (it goes to the stand-in only) and press Pay on its page.');
    expect(text).toContain('Electron was not launched: this machine cannot reach GitHub, where the Electron binary is downloaded from (getaddrinfo ENOTFOUND github.com). The preview');
    expect(text).toContain('License token: no OS keychain (Secret Service) runs in this session, so it is kept in a file only you can read, in ./data/app.');
    expect(text).not.toMatch(/DBus|X11/);
    expect(text).toContain('Server log: below, one line per entry (LOG_FORMAT=json for JSON lines).');
  });

  it('with the Electron window open: no preview, no reason, no keychain line (the app reports its own)', () => {
    const text = startSummary({ ...base, previewUrl: null, electronSkipped: null, keychainFallback: null, sandboxUrl: null, logFormat: 'json' });
    expect(text).toMatch(/^ {2}App {13} {2}the Electron window$/m);
    expect(text).toMatch(/^ {2}PayPal {10} {2}the real PayPal API configured in the environment$/m);
    expect(text).toContain("First: in the app window, click \"Upgrade to Enterprise\", choose a plan and pay on PayPal's page; the badge turns Enterprise.");
    expect(text).not.toMatch(/Electron was not launched|License token|preview/);
    expect(text).toContain('Server log: JSON lines (LOG_FORMAT=json), below.');
  });
});

describe('keychainSentence', () => {
  it('says where the token is in plain words', () => {
    expect(keychainSentence(null, '/x')).toBe('kept in the OS keychain.');
    expect(keychainSentence({ reason: 'the keychain did not answer within 2000 ms', dir: '/x/data/app' }, '/x')).toBe(
      'the OS keychain did not answer, so it is kept in a file only you can read, in ./data/app.',
    );
    expect(keychainSentence({ reason: 'timeout', dir: '/elsewhere/app' }, '/x')).toBe(
      'the OS keychain did not answer, so it is kept in a file only you can read, in /elsewhere/app.',
    );
  });
});
