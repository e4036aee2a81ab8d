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
  /** On the team: an owner (TELEGRAM_ADMIN_IDS) or a member an owner added with /team add. May write to buyers. */
  isTeam(userId: number | undefined): boolean;
  /** An owner (TELEGRAM_ADMIN_IDS): may also change the team and where shops' chats appear (/setup). */
  isOwner(userId: number | undefined): boolean;
  shops: () => readonly ShopSummary[];
  /** /setup changed where a shop's chats appear: the inbound sync posts there from now on (set when it runs). */
  placesChanged?(): Promise<void>;
  /** Where the inbound sync posts now, if anywhere (set when it runs). */
  inboundChat?(): number | undefined;
  /** The bot token and Api-Key: never relayed, logged or stored. */
  secrets: readonly string[];
  /** Whether the bot may post in TELEGRAM_CHAT_ID (set once the inbound sync exists; absent without it). */
  presence?: Pick<TelegramPresence, 'memberChanged'>;
}

export interface ShopSummary { businessId: number; name: string }
