// `hardbound-server support …`: tokens are managed on the server's own database; lookups and actions go through
// the running server's support API (the console's API), as the token's holder — so the audit names the token
// (or --actor beside it), PayPal is asked by the server that applies its answer, and the rules are the same.
import os from 'node:os';
import { readFile } from 'node:fs/promises';
import {
  API_PATHS, type ApiErrorBody, type CancelAccess, type SupportAction, type SupportActionResponse, type SupportLicense, type SupportLookupResponse, type SupportRole,
} from '../common/api';
import { shortAnchor } from '../common/anchor';

export type SupportCommand =
  | { kind: 'token-create'; name: string; role: SupportRole }
  | { kind: 'token-revoke'; name: string; actor: string | undefined }
  | { kind: 'lookup'; id: string; common: Common }
  | { kind: 'act'; action: SupportAction; licenseId: string; anchor: string | undefined; accessUntil: CancelAccess | undefined; common: Common };

interface Common {
  reason: string | undefined;
  actor: string | undefined;
  json: boolean;
  server: string | undefined;
  tokenFile: string | undefined;
}

export class SupportUsageError extends Error {}

const ACTIONS: readonly SupportAction[] = ['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue'];

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

/** Recognised before any configuration or store is touched, so a mistyped command is a usage error (exit 2). */
export function parseSupportCommand(args: string[]): SupportCommand | null {
  const name = option(args, '--name');
  const common: Common = {
    reason: option(args, '--reason'), actor: option(args, '--actor'), json: args.includes('--json'),
    server: option(args, '--server'), tokenFile: option(args, '--token-file'),
  };
  if (args[0] === 'token' && args[1] === 'create' && name) {
    const role = option(args, '--role') ?? 'read';
    if (role !== 'read' && role !== 'act') throw new SupportUsageError('--role must be read or act');
    return { kind: 'token-create', name, role };
  }
  if (args[0] === 'token' && args[1] === 'revoke' && name) return { kind: 'token-revoke', name, actor: common.actor };
  const target = args[1];
  if (!target || target.startsWith('--')) return null;
  if (args[0] === 'lookup') return { kind: 'lookup', id: target, common };
  const action = ACTIONS.find((a) => a === args[0]);
  if (!action) return null;
  if (!common.reason?.trim()) throw new SupportUsageError(`support ${action} needs --reason "…" (it is kept in the audit trail)`);
  const anchor = option(args, '--to');
  if (action === 'transfer' && !anchor) throw new SupportUsageError('support transfer needs --to MACHINE_CODE (the code the customer copied in the app)');
  const accessUntil = option(args, '--access-until');
  if (accessUntil !== undefined && accessUntil !== 'now' && accessUntil !== 'period_end') throw new SupportUsageError('--access-until must be now or period_end');
  return { kind: 'act', action, licenseId: target, anchor: anchor?.replace(/\s+/g, ''), accessUntil, common };
}

/** Who ran a command on the server's host, for the audit of token changes: never "unknown". */
export function operatorName(actor: string | undefined): string {
  if (actor?.trim()) return `cli:${actor.trim()}`;
  let user = process.env.USER || process.env.LOGNAME || '';
  try {
    user ||= os.userInfo().username;
  } catch {
    // No passwd entry for this uid (a container): the uid names the operator instead.
  }
  return `cli:${user || `uid-${process.getuid?.() ?? 'unknown-platform'}`}`;
}

export interface ApiTarget {
  server: string;
  token: string;
}

/** The server and token a lookup or action uses: --server / HARDBOUND_SUPPORT_SERVER / the public URL / loopback;
 *  --token-file or HARDBOUND_SUPPORT_TOKEN (never an argument: arguments show in the process list). */
export async function apiTarget(common: Common, env: NodeJS.ProcessEnv): Promise<ApiTarget> {
  const server = (common.server ?? env.HARDBOUND_SUPPORT_SERVER ?? env.HARDBOUND_PUBLIC_URL ?? `http://127.0.0.1:${env.HARDBOUND_PORT || '8787'}`).replace(/\/+$/, '');
  const token = common.tokenFile ? (await readFile(common.tokenFile, 'utf8')).trim() : env.HARDBOUND_SUPPORT_TOKEN?.trim();
  if (!token) throw new SupportUsageError('set HARDBOUND_SUPPORT_TOKEN to your support token (or pass --token-file FILE)');
  return { server, token };
}

async function call<T>(target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.server}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(`cannot reach the server at ${target.server} (${(error as Error).message}); is it running? (--server URL)`);
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const error = (json as ApiErrorBody | null)?.error;
    throw new Error(error ? `${error.message} (${res.status} ${error.code})` : `the server answered ${res.status}`);
  }
  return json as T;
}

export async function runLookup(target: ApiTarget, command: Extract<SupportCommand, { kind: 'lookup' }>, print: (line: string) => void): Promise<void> {
  const query = new URLSearchParams({ q: command.id });
  if (command.common.reason) query.set('reason', command.common.reason);
  if (command.common.actor) query.set('actor', command.common.actor);
  const answer = await call<SupportLookupResponse>(target, 'GET', `${API_PATHS.supportLookup}?${query}`);
  if (command.common.json) return print(JSON.stringify(answer, null, 2));
  if (answer.kind === 'not_an_id') return print('That is not an id we use: search by a transaction, order, subscription, dispute, license or checkout id, or the machine code.');
  if (answer.licenses.length === 0) {
    print(`No license found for ${answer.query}.`);
    for (const s of answer.suggestions) print(`  did you mean ${s.id}?`);
    return;
  }
  print(`${answer.licenses.length} license${answer.licenses.length === 1 ? '' : 's'} for ${answer.query}:`);
  for (const license of answer.licenses) print(describe(license));
}

export async function runAction(target: ApiTarget, command: Extract<SupportCommand, { kind: 'act' }>, print: (line: string) => void): Promise<void> {
  const body = {
    reason: command.common.reason,
    ...(command.common.actor ? { actor: command.common.actor } : {}),
    ...(command.anchor ? { anchor: command.anchor } : {}),
    ...(command.accessUntil ? { accessUntil: command.accessUntil } : {}),
  };
  const answer = await call<SupportActionResponse>(target, 'POST', API_PATHS.supportAction(command.licenseId, command.action), body);
  if (command.common.json) return print(JSON.stringify(answer, null, 2));
  print(answer.outcome);
  print(describe(answer.license));
  if (answer.message) print(`\nSend the customer:\n\n${answer.message}`);
}

function describe(l: SupportLicense): string {
  const ids = [l.transactionId && `transaction ${l.transactionId}`, l.subscriptionId && `subscription ${l.subscriptionId}`, l.orderId && `order ${l.orderId}`]
    .filter(Boolean).join(', ');
  const machine = l.anchor.startsWith('released:') ? 'released (no machine)' : `machine ${shortAnchor(l.anchor)}`;
  const paid = l.paidThrough ? `, paid through ${l.paidThrough.slice(0, 10)}` : '';
  return `  ${l.id}  ${l.tier === 'enterprise' ? 'Enterprise' : 'Free'}, ${l.status}  ${l.planName ?? l.planId}${l.amount ? ` (${l.amount} ${l.currency})` : ''}${paid}  ${machine}${ids ? `  ${ids}` : ''}`;
}
