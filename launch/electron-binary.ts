// Whether `npm start` can open the real Electron app here, and if not, exactly why. The electron package
// ships no binary: its install step downloads one, which fails without access to GitHub (this workplace,
// CI with ELECTRON_SKIP_BINARY_DOWNLOAD), and then require('electron') throws instead of naming a path.
export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

export interface ElectronProbe {
  /** require('electron') in Node: the binary's path, or a throw when the package has none. */
  resolve(): string;
  exists(path: string): boolean;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}

export function findElectronBinary(probe: ElectronProbe): ElectronBinary {
  if (probe.env.HARDBOUND_PREVIEW === '1') return { ok: false, reason: 'HARDBOUND_PREVIEW=1 asks for the browser preview' };
  let binary: string;
  try {
    binary = probe.resolve();
  } catch (error) {
    return {
      ok: false,
      reason: `the electron package has no binary (${error instanceof Error ? error.message : String(error)}): its install step downloads one from GitHub, which was skipped or unreachable. Where GitHub is reachable, run \`node node_modules/electron/install.js\``,
    };
  }
  if (!probe.exists(binary)) return { ok: false, reason: `the Electron binary is missing at ${binary}; run \`node node_modules/electron/install.js\`` };
  if (probe.platform === 'linux' && !probe.env.DISPLAY && !probe.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop session or under xvfb-run' };
  }
  return { ok: true, path: binary };
}

/** The last lines Electron wrote before it gave up, for the message that says why it could not start. */
export function startupFailure(code: number | null, signal: string | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-5).join('\n  ');
  return `Electron ${how} while starting${tail ? `:\n  ${tail}` : ' and printed nothing'}`;
}
