/**
 * npm run bench: every benchmark section against the fakes on loopback, printed as one table, with the bare grammY
 * bot's figure beside the bridge's where there is one (issue 13). Builds dist/ once first: the bridge is measured as
 * `npm start` runs it. Exit code 1 when a figure misses its target.
 * Environment: BENCH_RELAYS (default 100000) sets the length of the relay memory run (for each bot).
 */
import { buildDist } from '../test/helpers/process.js';
import { load, os } from './os.js';
import { benchRelay } from './relay.js';
import { benchDesk } from './desk.js';
import { printRows, type Row } from './table.js';

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`market-bridge benchmark · ${os()} · load average (1/5/15 min) at start ${load()}`);
  buildDist();
  const rows: Row[] = [];
  rows.push(...(await benchRelay({ build: false })));
  try {
    const inbound = (await import('./inbound.js')) as { benchInbound?: (opts: { build?: boolean }) => Promise<Row[]> };
    if (inbound.benchInbound) rows.push(...(await inbound.benchInbound({ build: false })));
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  rows.push(...(await (await import('./backlog.js')).benchBacklog()));
  rows.push(...(await (await import('./start.js')).benchStart({ build: false })));
  rows.push(...(await (await import('./shops.js')).benchShops({ build: false })));
  rows.push(...(await benchDesk()));
  rows.push(...(await (await import('./stats.js')).benchStats()));
  console.log(`load average at end ${load()} · ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  printRows(rows);
  const failed = rows.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.log(`\n${failed.length} figure(s) missed their target.`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
