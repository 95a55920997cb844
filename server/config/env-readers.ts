// Typed readers of single environment variables: each returns the value (or the fallback) and, when the
// text is wrong, adds one sentence naming the variable to `problems`, so a caller can report all at once.

export interface Rate {
  max: number;
  windowMs: number;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  /** An http(s) URL without trailing slashes, or null when unset. */
  url(name: string): string | null {
    const raw = this.raw(name);
    if (raw === undefined) return null;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
      return raw.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name}="${raw}" must be an http(s) URL`);
      return null;
    }
  }

  /** "COUNT/DURATION", e.g. 30/10m: at most COUNT in any window of DURATION (s, m or h). */
  rate(name: string, fallback: Rate): Rate {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const match = /^(\d{1,7})\/(\d{1,4})([smh])$/.exec(raw);
    const max = Number(match?.[1]);
    const windowMs = Number(match?.[2]) * (UNIT_MS[match?.[3] ?? ''] ?? NaN);
    if (!match || max < 1 || !(windowMs > 0)) {
      this.problems.push(`${name}="${raw}" must be COUNT/DURATION with a unit of s, m or h, e.g. 30/10m`);
      return fallback;
    }
    return { max, windowMs };
  }

  /** host:port, or null when unset. */
  address(name: string): { host: string; port: number } | null {
    const raw = this.raw(name);
    if (raw === undefined) return null;
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(raw);
    const port = Number(match?.[2]);
    if (!match || port > 65_535) {
      this.problems.push(`${name}="${raw}" must be HOST:PORT, e.g. 127.0.0.1:9464`);
      return null;
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  }
}
