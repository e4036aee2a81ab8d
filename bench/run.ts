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
  // Each section's rows are printed as it ends (a full run takes half an hour), and again in one table at the end.
  const section = async (name: string, run: () => Promise<Row[]>) => {
    const t0 = Date.now();
    const got = await run();
    console.log(`\n${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s, load average ${load()}`);
    printRows(got);
    rows.push(...got);
  };
  await section('relay', () => benchRelay({ build: false }));
  await section('inbound', async () => (await import('./inbound.js')).benchInbound({ build: false }));
  await section('backlog', async () => (await import('./backlog.js')).benchBacklog());
  await section('start', async () => (await import('./start.js')).benchStart({ build: false }));
  await section('shops', async () => (await import('./shops.js')).benchShops({ build: false }));
  await section('desk', () => benchDesk());
  await section('stats', async () => (await import('./stats.js')).benchStats());
  console.log('\nall sections:');
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
