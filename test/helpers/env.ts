/** The environment that points a bridge at the fakes: what every test harness and benchmark starts from. */
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
