// What `npm start` tells a person once everything runs: what started where, what to open and click first,
// why the desktop window did not open, where the license token is kept and where the server's log goes.
import path from 'node:path';

export interface StartSummary {
  /** The browser preview's URL, or null when the Electron window opened. */
  previewUrl: string | null;
  /** Why Electron was not launched (one sentence), when it was not. */
  electronSkipped: string | null;
  serverUrl: string;
  /** The embedded PayPal sandbox, or null when the server talks to real PayPal. */
  sandboxUrl: string | null;
  /** The sandbox's Paystack stand-in the server sells through too, or null (a real Paystack, or none). */
  paystackStandInUrl?: string | null;
  dataDir: string;
  /** Where the preview keeps the license token when no OS keychain answers; null when the keychain is used. */
  keychainFallback: { reason: string; dir: string } | null;
  logFormat: 'pretty' | 'json';
  /** Paths are shown relative to this folder when they lie inside it. */
  cwd: string;
}

export function startSummary(s: StartSummary): string {
  const rows: [string, string][] = [];
  if (s.previewUrl) rows.push(['App (browser preview)', `${s.previewUrl}   ← open this first`]);
  else rows.push(['App', 'the Electron window']);
  rows.push(['Companion server', `${s.serverUrl}   (also /healthz, /metrics)`]);
  rows.push(['Support console', `${s.serverUrl}/support/   (a token: npx hardbound-server support token create --name you --role act)`]);
  if (s.sandboxUrl) rows.push(['PayPal sandbox', `${s.sandboxUrl}   control API under ${s.sandboxUrl}/__sandbox/ (README: "Control API")`]);
  else rows.push(['PayPal', 'the real PayPal API configured in the environment']);
  if (s.paystackStandInUrl) rows.push(['Paystack stand-in', `${s.paystackStandInUrl}   control API under ${s.sandboxUrl ?? ''}/__sandbox/paystack/ (sandbox/paystack/CONTROL.md)`]);
  rows.push(['Data', `${shown(s.dataDir, s.cwd)} (database, signing keys${s.previewUrl ? ', the preview\'s license' : ''})`]);
  const width = Math.max(...rows.map(([label]) => label.length));

  const lines = ['', 'Hardbound is running in development.', ''];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  lines.push('');
  const where = s.previewUrl ? 'in the app' : 'in the app window';
  const pay = s.sandboxUrl ? 'press Pay on the sandbox\'s PayPal page' : 'pay on PayPal\'s page';
  lines.push(`  First: ${where}, click "Upgrade to Enterprise", choose a plan and ${pay}${s.previewUrl ? ' (it opens in a new tab)' : ''}; the badge turns Enterprise.`);
  if (s.paystackStandInUrl) lines.push('  Or choose "Pay with: Paystack", give any e-mail address (it goes to the stand-in only) and press Pay on its page.');
  if (s.electronSkipped) lines.push(`  Electron was not launched: ${s.electronSkipped}. The preview runs the same renderer and license core.`);
  if (s.previewUrl) lines.push(`  License token: ${keychainSentence(s.keychainFallback, s.cwd)}`);
  lines.push(`  Server log: ${s.logFormat === 'json' ? 'JSON lines (LOG_FORMAT=json), below' : 'below, one line per entry (LOG_FORMAT=json for JSON lines)'}.`);
  lines.push('  Ctrl+C stops everything.', '');
  return lines.join('\n');
}

/** The keychain probe's reason is for developers of the keychain code; a person needs to know where the token is. */
export function keychainSentence(fallback: StartSummary['keychainFallback'], cwd: string): string {
  if (fallback === null) return 'kept in the OS keychain.';
  const why = /d-?bus|secret service|org\.freedesktop|keyring/i.test(fallback.reason)
    ? 'no OS keychain (Secret Service) runs in this session'
    : 'the OS keychain did not answer';
  return `${why}, so it is kept in a file only you can read, in ${shown(fallback.dir, cwd)}.`;
}

function shown(dir: string, cwd: string): string {
  const relative = path.relative(cwd, dir);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? dir : `.${path.sep}${relative}`;
}
