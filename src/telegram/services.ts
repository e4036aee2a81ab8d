/** What the Telegram features share: built once in app.ts and handed to each feature factory. */
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../logger.js';
import type { MarketClient } from '../market/client.js';
import type { RelayQueue } from '../bridge/relay.js';
import type { TelegramPresence } from './presence.js';

export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  market: MarketClient;
  relay: RelayQueue;
  isAdmin(userId: number | undefined): boolean;
  /** The bot token and Api-Key: never relayed, logged or stored. */
  secrets: readonly string[];
  /** Whether the bot may post in TELEGRAM_CHAT_ID (set once the inbound sync exists; absent without it). */
  presence?: Pick<TelegramPresence, 'memberChanged'>;
}
