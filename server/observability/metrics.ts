// In-memory counters and histograms rendered in Prometheus' text format for GET /metrics.

type Labels = Record<string, string>;

const key = (name: string, labels: Labels): string => {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
};

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly help = new Map<string, string>();
  private readonly gauges = new Map<string, () => number>();

  describe(name: string, help: string): void {
    this.help.set(name, help);
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const k = key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }

  get(name: string, labels: Labels = {}): number {
    return this.counters.get(key(name, labels)) ?? 0;
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(): string {
    const lines: string[] = [];
    const byName = new Map<string, string[]>();
    for (const [k, v] of this.counters) {
      const name = k.split('{')[0] ?? k;
      byName.set(name, [...(byName.get(name) ?? []), `${k} ${v}`]);
    }
    for (const [name, samples] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
      const help = this.help.get(name);
      if (help) lines.push(`# HELP ${name} ${help}`);
      lines.push(`# TYPE ${name} counter`, ...samples);
    }
    for (const [name, read] of this.gauges) {
      const help = this.help.get(name);
      if (help) lines.push(`# HELP ${name} ${help}`);
      lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
