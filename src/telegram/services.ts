/**
 * What the Telegram features share: built once in app.ts and handed to each feature factory. No Market client here:
 * features reach Market through the core (relay, chats), never directly.
 */
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../logger.js';
import type { RelayQueue } from '../bridge/relay.js';
import type { MarketChats } from '../bridge/chats.js';
import type { GroupChatId } from '../bridge/group.js';
import type { TelegramPresence } from './presence.js';
import type { AnswerReport } from '../bridge/answer-report.js';

export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  relay: RelayQueue;
  /** Market chat look-ups for commands (/link), through the core. */
  chats: MarketChats;
  /** The team group's id now (TELEGRAM_CHAT_ID followed through upgrades to a supergroup). */
  group: GroupChatId;
  /** After the team group got a new id: the inbound sync looks at the new chat again (set when it runs). */
  onGroupMoved?(): Promise<void>;
  isAdmin(userId: number | undefined): boolean;
  /** The bot token and Api-Key: never relayed, logged or stored. */
  secrets: readonly string[];
  /** Whether the bot may post in TELEGRAM_CHAT_ID (set once the inbound sync exists; absent without it). */
  presence?: Pick<TelegramPresence, 'memberChanged'>;
  /** Answer statistics of the shop, for /stats. */
  answers?: AnswerReport;
}
