/** The environment that points a bridge at the fakes: what every test harness and benchmark starts from. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { FakeMarket } from '../fakes/market.js';
import type { FakeTelegram } from '../fakes/telegram.js';

export function fakesEnv(
  tg: FakeTelegram,
  market: FakeMarket,
  p: { adminIds: number[]; databasePath: string; logLevel: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_ADMIN_IDS: p.adminIds.join(','),
    MARKET_API_KEY: market.apiKey,
    MARKET_BUSINESS_ID: String(market.businessId),
    MARKET_API_URL: market.url,
    DATABASE_PATH: p.databasePath,
    LOG_LEVEL: p.logLevel,
    ...extra,
  };
}

/** freePort's ports start here: above the well-known and commonly configured ones. */
const FREE_PORT_FLOOR = 20_000;

/** Where the OS picks ports for listen(0) and outgoing connections (Linux's default when it cannot be read). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    // A range reaching down near the floor would leave too few ports to pick from: use Linux's default then.
    return Number.isInteger(low) && low > FREE_PORT_FLOOR + 1_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A port nobody listens on right now, for a setting that must name it before the bridge binds it (WEBHOOK_PORT,
 * HEALTH_PORT). Picked at random below the ephemeral range: a port from listen(0) could be handed to another
 * test's listen(0) or outgoing connection before the bridge binds it (CI once failed so: "already in use").
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FREE_PORT_FLOOR + Math.floor(Math.random() * (high - FREE_PORT_FLOOR));
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('freePort: no free port found below the ephemeral range');
}
