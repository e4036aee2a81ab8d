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
import type { ChatMember } from 'grammy/types';
import type { ChatTranslation } from '../bridge/translation.js';
import type { FeedbackDesk } from '../bridge/feedback.js';

export interface ShopSummary { businessId: number; name: string }
import type { ShopTemplates } from '../bridge/templates.js';
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
  /** On the team: an owner (TELEGRAM_ADMIN_IDS) or a member an owner added with /team add. May write to buyers. */
  isTeam(userId: number | undefined): boolean;
  /** An owner (TELEGRAM_ADMIN_IDS): may also change the team and where shops' chats appear (/setup). */
  isOwner(userId: number | undefined): boolean;
  /** /setup changed where a shop's chats appear: the inbound sync posts there from now on (set when it runs). */
  placesChanged?(): Promise<void>;
  /** The bot token and Api-Key: never relayed, logged or stored. */
  secrets: readonly string[];
  shops: () => readonly ShopSummary[];
  /** The relay queue of a shop (undefined: not a shop of this process). A reply goes to the shop its thread belongs to. */
  relayFor(businessId: number): RelayQueue | undefined;
  /** Chat look-ups in one shop (/link). */
  chatsFor(businessId: number): MarketChats | undefined;
  /** The shops whose chats a Telegram chat hosts (every shop when there is one). */
  shopsIn(tgChatId: number): readonly ShopSummary[];
  /**
   * The bot's standing changed in a chat (my_chat_member): where buyer chats appear, it decides whether they can be
   * posted there (set once the inbound sync exists).
   */
  botMemberChanged?(tgChatId: number, member: ChatMember, chatTitle?: string): Promise<void>;
  /** Translation between buyer and seller (/translate: the per-chat setting); absent without TRANSLATE_PROVIDER. */
  translation?: ChatTranslation;
  /** A shop's translation of its buyers and its sellers' replies (through that shop's relay). */
  translationFor?(businessId: number): ChatTranslation | undefined;
  /** Reviews and product questions of a shop (set once they run; absent when turned off). */
  feedback?(businessId: number): FeedbackDesk | undefined;
  /** A shop's answer templates (/template, /templates, /t). */
  templatesFor?(businessId: number): ShopTemplates | undefined;
  /** A shop's answer statistics (/stats, the daily digest). */
  answersFor?(businessId: number): AnswerReport | undefined;
}

export interface ShopSummary { businessId: number; name: string }
