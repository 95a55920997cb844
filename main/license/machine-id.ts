// The default CoreEnvironment.readMachineId: node-machine-id's original (unhashed) OS id. On Linux the same
// value is read straight from the files, without the shell pipeline the library spawns for it (tens of
// milliseconds, more under load, against well under one for two small reads) — byte for byte what
// `( cat /var/lib/dbus/machine-id /etc/machine-id 2> /dev/null || hostname ) | head -n 1` prints, normalised
// as the library normalises it, so every anchor ever derived stays the same. Other platforms keep the library.
// When no machine-id file can be read the library falls back to the hostname; anchor.ts refuses that case.
import { readFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';

export const LINUX_MACHINE_ID_FILES = ['/var/lib/dbus/machine-id', '/etc/machine-id'] as const;

export function readOsMachineId(): Promise<string> {
  if (process.platform === 'linux') return readLinuxMachineId();
  return import('node-machine-id').then((library) => library.default.machineId(true));
}

export interface LinuxMachineIdSources {
  files?: readonly string[];
  readFile?: (file: string) => Promise<Buffer>;
  /** What `hostname` prints, without its newline. */
  hostname?: () => string;
}

export async function readLinuxMachineId(sources: LinuxMachineIdSources = {}): Promise<string> {
  const read = sources.readFile ?? ((file: string) => readFile(file));
  const files = sources.files ?? LINUX_MACHINE_ID_FILES;
  const contents = await Promise.all(files.map((file) => read(file).catch(() => null)));
  // cat prints every file it can read, in order; if any is missing it exits non-zero and `|| hostname` runs too.
  const parts = contents.filter((content): content is Buffer => content !== null);
  if (parts.length < files.length) parts.push(Buffer.from(`${(sources.hostname ?? osHostname)()}\n`));
  const output = Buffer.concat(parts).toString('utf8');
  // head -n 1: up to the first newline.
  const newline = output.indexOf('\n');
  return normalizeLikeNodeMachineId(newline === -1 ? output : output.slice(0, newline + 1));
}

/** node-machine-id's own normalisation of its Linux output (its `expose`). */
export function normalizeLikeNodeMachineId(output: string): string {
  return output.replace(/\r+|\n+|\s+/gi, '').toLowerCase();
}
