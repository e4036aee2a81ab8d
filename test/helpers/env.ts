/** The environment that points a bridge at the fakes: what every test harness and benchmark starts from. */
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

/** A port nobody listens on right now (WEBHOOK_URL must name it before the bridge starts). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
