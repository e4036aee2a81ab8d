/**
 * Whether the bot may post where buyer chats appear (TELEGRAM_CHAT_ID). Someone may remove the bot from the group,
 * restrict it, or take its topic rights; the user of a private chat may block it. Then posting goes into the void:
 * instead the inbound sync keeps recording buyer messages and posts nothing (`ready()` is false), the log says so at
 * warn level and each owner (TELEGRAM_ADMIN_IDS) is told in their private chat with the bot. It learns this from
 * `my_chat_member` updates (features/membership.ts) and from sends Telegram refuses in that way; it learns the bot is
 * back from a `my_chat_member` update or, while paused, from asking getChatMember now and then (an update may have
 * been missed). Back, it posts the recorded backlog, in order. The paused state survives restarts (kv table).
 */
import { GrammyError, type Api } from 'grammy';
import type { ChatMember } from 'grammy/types';
import type { Db } from '../db/open.js';
import { deleteKv, getKv, setKv } from '../db/kv.js';
import type { Logger } from '../logger.js';
import { t } from '../texts.js';
import { textInChatLanguage } from './language.js';
import { describe } from './echo.js';
import type { TelegramOutbox } from './outbox.js';

export type AbsenceReason = 'removed' | 'restricted';

interface Absence {
  reason: AbsenceReason;
  since: number;
  /** What Telegram said (the update's status or the refusal), for the log. */
  detail: string;
}

const RETELL_MS = 60 * 60_000;

/** Refusals that mean "the bot is not in this chat" (403) or "may not write in it" (400). */
const REMOVED = /kicked|not a member|blocked by the user|user is deactivated|chat not found|group chat was deleted/i;
const RESTRICTED = /not enough rights to send|CHAT_WRITE_FORBIDDEN|CHAT_SEND_\w*_FORBIDDEN|CHAT_RESTRICTED/i;

/** How a ChatMember (the bot's) reads for posting. */
export function memberStanding(m: ChatMember): { canPost: boolean; reason?: AbsenceReason; admin: boolean; topics: boolean } {
  switch (m.status) {
    case 'left':
    case 'kicked':
      return { canPost: false, reason: 'removed', admin: false, topics: false };
    case 'restricted':
      if (!m.is_member) return { canPost: false, reason: 'removed', admin: false, topics: false };
      return m.can_send_messages
        ? { canPost: true, admin: false, topics: m.can_manage_topics }
        : { canPost: false, reason: 'restricted', admin: false, topics: false };
    case 'member':
      return { canPost: true, admin: false, topics: false };
    case 'administrator':
      return { canPost: true, admin: true, topics: m.can_manage_topics ?? false };
    case 'creator':
      return { canPost: true, admin: true, topics: true };
  }
}

/** Whether a Telegram refusal means the bot may not post in the chat at all; undefined for any other failure. */
export function absenceOf(err: unknown): AbsenceReason | undefined {
  if (!(err instanceof GrammyError)) return undefined;
  if (err.error_code === 403 && REMOVED.test(err.description)) return 'removed';
  if (err.error_code === 403 && RESTRICTED.test(err.description)) return 'restricted';
  if (err.error_code === 400 && RESTRICTED.test(err.description)) return 'restricted';
  if (err.error_code === 400 && /chat not found/i.test(err.description)) return 'removed';
  return undefined;
}

/** Where the paused state of a team chat is kept (kv), so it survives restarts. */
const pausedKeyOf = (tgChatId: number) => `inbound.paused.${tgChatId}`;

/**
 * True when the bridge recorded that it was removed from (or muted in) this chat: a start then waits for the bot to
 * be back instead of calling the chat a wrong TELEGRAM_CHAT_ID.
 */
export function wasPausedIn(db: Db, tgChatId: number): boolean {
  return getKv(db, pausedKeyOf(tgChatId)) !== undefined;
}

export interface PresenceDeps {
  api: Api;
  db: Db;
  log: Logger;
  tgChatId: number;
  /** The owners, told in their private chats with the bot (it can write to a user who has started it). */
  adminIds: readonly number[];
  outbox: TelegramOutbox;
  /** Recorded buyer messages waiting to be posted (said when the bot is back). */
  waiting(): number;
  /** Whether TELEGRAM_CHAT_ID is a forum (topic rights only matter there); undefined while unknown. */
  isForum(): boolean | undefined;
  /** While paused, how often to ask Telegram whether the bot may post again. */
  probeMs?: number;
  now?: () => number;
}

export class TelegramPresence {
  private absence: Absence | undefined;
  private readonly pausedKey: string;
  private readonly topicsKey: string;
  private readonly backListeners: (() => void)[] = [];
  private readonly topicsListeners: (() => void)[] = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private botId: number | undefined;
  private title: string | undefined;
  private lastTold: { reason: AbsenceReason; at: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: PresenceDeps) {
    this.now = deps.now ?? Date.now;
    this.pausedKey = pausedKeyOf(deps.tgChatId);
    this.topicsKey = `inbound.topicRights.${deps.tgChatId}`;
    const saved = getKv(deps.db, this.pausedKey);
    if (saved !== undefined) this.absence = JSON.parse(saved) as Absence;
  }

  /** At start: a pause from before the restart holds until Telegram says the bot may post again. */
  start(): void {
    if (!this.absence) return;
    this.deps.log.warn(
      { tgChatId: this.deps.tgChatId, reason: this.absence.reason, since: new Date(this.absence.since).toISOString() },
      'the bot still may not post where buyer chats appear; buyer messages are recorded and wait',
    );
    this.scheduleProbe(0);
  }

  stop(): void {
    this.stopped = true;
    this.cancelProbe();
  }

  private cancelProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  /** False while the bot may not post there: the sync records buyer messages and posts nothing. */
  ready(): boolean {
    return this.absence === undefined;
  }

  /** Called when the bot may post again (the sync then posts its backlog). */
  onBack(listener: () => void): void {
    this.backListeners.push(listener);
  }

  /** Called when the bot has its topic rights again. */
  onTopicRights(listener: () => void): void {
    this.topicsListeners.push(listener);
  }

  /** The bot's membership in TELEGRAM_CHAT_ID changed (a my_chat_member update, or a probe's answer). */
  async memberChanged(member: ChatMember, chatTitle?: string): Promise<void> {
    if (chatTitle !== undefined) this.title = chatTitle;
    const standing = memberStanding(member);
    if (!standing.canPost) return this.pause(standing.reason!, `status ${member.status}`);
    await this.checkTopicRights(standing);
    await this.resume(`status ${member.status}`);
  }

  /** Telegram refused something the sync sent there; pauses when the refusal means the bot may not post at all. */
  async sendFailed(err: unknown): Promise<void> {
    const reason = absenceOf(err);
    if (reason) await this.pause(reason, describe(err).message);
  }

  private async pause(reason: AbsenceReason, detail: string): Promise<void> {
    const { db, log, tgChatId } = this.deps;
    if (this.absence) return;
    this.absence = { reason, since: this.now(), detail };
    setKv(db, this.pausedKey, JSON.stringify(this.absence), this.now());
    log.warn(
      { tgChatId, reason, detail },
      reason === 'removed'
        ? 'the bot was removed from the chat where buyer chats appear; buyer messages are recorded and posted when it is back'
        : 'the bot may no longer send messages where buyer chats appear; buyer messages are recorded and posted when it may again',
    );
    this.scheduleProbe();
    // Should Telegram say "back" and then refuse again, the team hears of it at most once an hour.
    const told = this.lastTold;
    if (told && told.reason === reason && this.now() - told.at < RETELL_MS) return;
    this.lastTold = { reason, at: this.now() };
    await this.tell(() => t(reason === 'removed' ? 'presence.removed' : 'presence.restricted', { where: this.where() }));
  }

  private async resume(detail: string): Promise<void> {
    if (!this.absence) return;
    const { db, log, tgChatId } = this.deps;
    const was = this.absence;
    this.absence = undefined;
    deleteKv(db, this.pausedKey);
    this.cancelProbe();
    const waiting = this.deps.waiting();
    log.warn({ tgChatId, was: was.reason, detail, waiting }, 'the bot may post where buyer chats appear again; posting what waited');
    for (const listener of this.backListeners) listener();
    await this.tell(() => t('presence.back', { where: this.where(), waiting }));
  }

  /** Says it once when the bot loses its topic rights in a forum, and lets the topics be tried again when they return. */
  private async checkTopicRights(standing: { admin: boolean; topics: boolean }): Promise<void> {
    const { db, log, tgChatId } = this.deps;
    if (tgChatId > 0 || this.deps.isForum() === false) return;
    const before = getKv(db, this.topicsKey);
    const now = standing.topics ? 'ok' : 'lost';
    if (before === now) return;
    setKv(db, this.topicsKey, now, this.now());
    if (now === 'ok') {
      if (before === 'lost') {
        log.info({ tgChatId }, 'the bot may manage topics again');
        for (const listener of this.topicsListeners) listener();
      }
      return;
    }
    log.warn({ tgChatId, admin: standing.admin }, 'the bot may no longer manage topics; new buyer chats go to reply chains');
    await this.tell(() => t('presence.topicRightsLost', { where: this.where(), admin: standing.admin }));
  }

  private scheduleProbe(delayMs = this.deps.probeMs ?? 5 * 60_000): void {
    if (this.probeTimer || this.stopped) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.probe();
    }, delayMs);
    this.probeTimer.unref();
  }

  /** Asks Telegram (a read, nothing posted) whether the bot may post again; asks again later while it may not. */
  private async probe(): Promise<void> {
    if (!this.absence || this.stopped) return;
    const { api, tgChatId, log } = this.deps;
    try {
      if (tgChatId > 0) {
        // A private chat's member status does not show a block; a chat action does (and shows only "typing…").
        await api.sendChatAction(tgChatId, 'typing');
        await this.resume('a chat action went through');
      } else {
        this.botId ??= (await api.getMe()).id;
        await this.memberChanged(await api.getChatMember(tgChatId, this.botId));
      }
    } catch (err) {
      log.debug({ tgChatId, err: describe(err) }, 'the bot still may not post where buyer chats appear');
    }
    if (this.absence) this.scheduleProbe();
  }

  /** Each owner, in their private chat with the bot; one who never started it can't be written to: logged. */
  private async tell(text: () => string): Promise<void> {
    const { api, db, log, outbox } = this.deps;
    await Promise.all(
      this.deps.adminIds
        .filter((id) => id !== this.deps.tgChatId || this.absence === undefined)
        .map((id) =>
          outbox.run(id, () => api.sendMessage(id, textInChatLanguage(db, id, text))).catch((err: unknown) =>
            log.warn({ userId: id, err: describe(err) }, 'could not tell a team member in their private chat with the bot (have they started it?)'),
          ),
        ),
    );
  }

  private where(): string {
    return t('presence.where', { title: this.title, chatId: this.deps.tgChatId });
  }
}
