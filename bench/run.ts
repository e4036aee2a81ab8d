/**
 * npm run bench: every benchmark section against the fakes on loopback, printed as one table.
 * Environment: BENCH_RELAYS (default 100000) sets the length of the relay memory run.
 */
import { os } from './os.js';
import { benchRelay } from './relay.js';
import { benchDesk } from './desk.js';
import { printRows, type Row } from './table.js';

async function main(): Promise<void> {
  console.log(`market-bridge benchmark · ${os()}`);
  const rows: Row[] = [];
  rows.push(...(await benchRelay()));
  try {
    const inbound = (await import('./inbound.js')) as { benchInbound?: () => Promise<Row[]> };
    if (inbound.benchInbound) rows.push(...(await inbound.benchInbound()));
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  }
  rows.push(...(await (await import('./shops.js')).benchShops({ build: false })));
  rows.push(...(await benchDesk()));
  rows.push(...(await (await import('./stats.js')).benchStats()));
  printRows(rows);
  const failed = rows.filter((r) => !r.ok);
  if (failed.length > 0) {
    console.log(`\n${failed.length} figure(s) missed their target.`);
    process.exitCode = 1;
  }
}

void main();
