import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import nodeMachineId from 'node-machine-id';
import { describe, expect, it } from 'vitest';
import { isAnchor } from '../../common/anchor';
import { deriveAnchor, type AnchorResult } from '../../main/license/anchor';
import { normalizeLikeNodeMachineId, readLinuxMachineId, readOsMachineId } from '../../main/license/machine-id';

const SALT = 'hardbound-test-salt';
const REAL_LOOKING = '3d1219c7c4c5404aaa1f6d2a48adfda4';

const derive = (rawId: string | (() => Promise<string>), host = 'build-box-7') =>
  deriveAnchor({ readMachineId: typeof rawId === 'string' ? async () => rawId : rawId, appSalt: SALT, hostname: () => host });

function refused(result: AnchorResult): string {
  if (result.ok) throw new Error('expected the id to be refused');
  return result.error.code;
}

describe('anchor', () => {
  it('is base64url(HMAC-SHA256(appSalt, machine id)): 43 characters, the same every time', async () => {
    const result = await derive(REAL_LOOKING);
    expect(result).toEqual({ ok: true, anchor: createHmac('sha256', SALT).update(REAL_LOOKING).digest('base64url') });
    expect(result.ok && isAnchor(result.anchor)).toBe(true);
    expect(await derive(REAL_LOOKING)).toEqual(result);
  });

  it('differs per app salt and per machine', async () => {
    const a = await derive(REAL_LOOKING);
    const b = await deriveAnchor({ readMachineId: async () => REAL_LOOKING, appSalt: 'another-app', hostname: () => 'x' });
    const c = await derive('8a1f0c55e2b34d7f9e61c0a4b2d3e5f6');
    expect(new Set([a, b, c].map((r) => (r.ok ? r.anchor : null))).size).toBe(3);
  });

  it('ignores the case and line ends node-machine-id may leave', async () => {
    expect(await derive(` ${REAL_LOOKING.toUpperCase()}\n`)).toEqual(await derive(REAL_LOOKING));
  });

  it.each([
    ['', 'machine_id_empty'],
    ['  \n', 'machine_id_empty'],
    ['uninitialized', 'machine_id_placeholder'],
    ['00000000000000000000000000000000', 'machine_id_placeholder'],
    ['00000000-0000-0000-0000-000000000000', 'machine_id_placeholder'],
    ['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'machine_id_placeholder'],
    ['03000200-0400-0500-0006-000700080009', 'machine_id_placeholder'],
    ['00020003-0004-0005-0006-000700080009', 'machine_id_placeholder'],
    ['12345678-1234-5678-90AB-CDDEEFAABBCC', 'machine_id_placeholder'],
    ['fefefefe-fefe-fefe-fefe-fefefefefefe', 'machine_id_placeholder'],
    ['DEADBEEF-DEAD-BEEF-DEAD-BEEFDEADBEEF', 'machine_id_placeholder'],
    ['00000000-0000-0000-0000-0000000000a1', 'machine_id_placeholder'],
    ['b08dfa6083e7567a1921a715000001fb', 'machine_id_placeholder'],
  ])('refuses %j (%s) instead of making a shared anchor', async (raw, code) => {
    expect(refused(await derive(raw))).toBe(code);
  });

  it("refuses node-machine-id's hostname fallback, compared as the library normalises it", async () => {
    expect(refused(await derive('build-box-7', 'build-box-7'))).toBe('machine_id_hostname');
    expect(refused(await derive('my-laptop', 'My-Laptop'))).toBe('machine_id_hostname');
    expect((await derive(REAL_LOOKING, 'build-box-7')).ok).toBe(true);
  });

  it('turns a failing reader into a typed error that does not carry the library message', async () => {
    const result = await derive(async () => {
      throw new Error(`Error while obtaining machine id: cat printed ${REAL_LOOKING}`);
    });
    expect(refused(result)).toBe('machine_id_unreadable');
    expect(JSON.stringify(result)).not.toContain(REAL_LOOKING);
  });

  it('never puts the raw id into an error', async () => {
    for (const raw of ['03000200-0400-0500-0006-000700080009', 'build-box-7', 'uninitialized']) {
      const result = await derive(raw, 'build-box-7');
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result).toLowerCase()).not.toContain(raw);
    }
  });

  it('refuses an empty app salt: every app would share anchors', async () => {
    await expect(deriveAnchor({ readMachineId: async () => REAL_LOOKING, appSalt: '' })).rejects.toThrow(RangeError);
  });

  it("reads this machine's id through node-machine-id (original, unhashed) and derives an anchor or says why not", async () => {
    const raw = await readOsMachineId();
    expect(typeof raw).toBe('string');
    expect(raw).not.toMatch(/^[0-9a-f]{64}$/); // the hashed form would be 64 hex characters
    const result = await deriveAnchor({ readMachineId: readOsMachineId, appSalt: SALT });
    if (result.ok) expect(isAnchor(result.anchor)).toBe(true);
    else if (result.error.code === 'machine_id_hostname') expect(raw.replace(/\s+/g, '').toLowerCase()).toBe(hostname().toLowerCase());
    else expect(['machine_id_empty', 'machine_id_placeholder']).toContain(result.error.code);
  });
});

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('the Linux machine id, read without a shell', () => {
  onLinux("equals node-machine-id's own answer on this machine, so every existing anchor stays the same", async () => {
    const [ours, library] = await Promise.all([readLinuxMachineId(), nodeMachineId.machineId(true)]);
    expect(ours).toBe(library);
    expect(await readOsMachineId()).toBe(library);
  });

  // The library's exact pipeline, pointed at files the test writes: whatever the files hold, the reader
  // must print what the shell prints, normalised as the library normalises it.
  const pipeline = promisify(execFile);
  const shell = async (a: string, b: string) =>
    normalizeLikeNodeMachineId((await pipeline('/bin/sh', ['-c', `( cat '${a}' '${b}' 2> /dev/null || hostname ) | head -n 1 || :`])).stdout);

  it.each([
    ['both files', 'aaaa1111bbbb2222cccc3333dddd4444\n', 'eeee5555ffff6666aaaa7777bbbb8888\n'],
    ['only /etc/machine-id', null, 'eeee5555ffff6666aaaa7777bbbb8888\n'],
    ['only the D-Bus file', 'aaaa1111bbbb2222cccc3333dddd4444\n', null],
    ['neither (the hostname)', null, null],
    ['a first file without a newline', 'aaaa1111', 'bbbb2222\nsecond line\n'],
    ['an empty first file', '', 'eeee5555ffff6666aaaa7777bbbb8888\n'],
    ['upper case, CRLF and inner spaces', ' AAAA 1111\tBBBB\r\n', 'x\n'],
  ])('matches the shell pipeline for %s', async (_what, first, second) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hardbound-machine-id-'));
    try {
      const a = path.join(dir, 'dbus-machine-id');
      const b = path.join(dir, 'machine-id');
      if (first !== null) await writeFile(a, first);
      if (second !== null) await writeFile(b, second);
      expect(await readLinuxMachineId({ files: [a, b] })).toBe(await shell(a, b));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
