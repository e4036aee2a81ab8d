import { pathToFileURL } from 'node:url';
import { load, os } from './os.js';

/** The benchmark's output: one row per figure, printed as a table with the target next to it. */
export interface Row {
  section: string;
  metric: string;
  value: string;
  /** The bare grammY bot's figure measured in the same run, where there is one to compare with. */
  baseline?: string;
  target: string;
  ok: boolean;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function printRows(rows: Row[]): void {
  const head = ['section', 'metric', 'value', 'bare bot', 'target', 'ok'];
  const cells = rows.map((r) => [r.section, r.metric, r.value, r.baseline ?? '-', r.target, r.ok ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

/** Milliseconds with two decimals below 10, one above. */
export function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

/** Runs one section on its own when its file is the entry point (npx tsx bench/<section>.ts). */
export function runIfMain(moduleUrl: string, section: () => Promise<Row[]>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  console.log(`${os()} · load average (1/5/15 min) at start ${load()}`);
  section().then(
    (rows) => {
      console.log(`load average at end ${load()}`);
      printRows(rows);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
