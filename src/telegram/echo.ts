/**
 * The relay's results shown to the seller, attached to their message in the same thread: a 👍 reaction when
 * Market accepted it (a reaction costs no message, and a group allows a bot ~20 messages a minute), otherwise a
 * reply in plain words. A note that said the message was under way (⏳, "Sending again…") is edited to the outcome.
 * Every bot reply is an anchor, so replying to it continues the conversation.
 */
import { GrammyError, InlineKeyboard, type Api } from 'grammy';
import type { Db } from '../db/open.js';
import { addAnchor } from '../db/links.js';
import type { RelayRow } from '../db/relays.js';
import type { Logger } from '../logger.js';
import type { MarketError } from '../market/errors.js';
import { inCaptionStage, type EchoResult, type RelayEcho, type WaitReason } from '../bridge/relay.js';
import { reason, t, technical } from '../texts.js';
import { inChatLanguage } from './language.js';

/** In Telegram's fixed list of reactions a bot may set (✅ is not). */
export const DELIVERED_REACTION = '👍';

export const RESEND_PREFIX = 'relay:resend:';
export const DROP_PREFIX = 'relay:drop:';

export class TelegramEcho implements RelayEcho {
  constructor(private readonly deps: { api: Api; db: Db; log: Logger; now?: () => number }) {}

  // Each result speaks the language of the chat the seller wrote in, whichever update or timer reached it.
  delivered(r: RelayRow): Promise<EchoResult> {
    return inChatLanguage(this.deps.db, r.tgChatId, () => this.deliveredHere(r));
  }

  waiting(r: RelayRow, until: number, why: WaitReason): Promise<number | undefined> {
    return inChatLanguage(this.deps.db, r.tgChatId, () => this.waitingHere(r, until, why));
  }

  failed(r: RelayRow, err: MarketError): Promise<EchoResult> {
    return inChatLanguage(this.deps.db, r.tgChatId, () => this.failedHere(r, err));
  }

  uncertain(r: RelayRow, err: MarketError | undefined): Promise<EchoResult> {
    return inChatLanguage(this.deps.db, r.tgChatId, () => this.uncertainHere(r, err));
  }

  private async deliveredHere(r: RelayRow): Promise<EchoResult> {
    // The note that said it was under way (a wait, or "Sending again…") now says how it ended.
    const noticeUpdated =
      r.noticeMessageId !== null &&
      (await this.edit(r, r.noticeMessageId, r.noticeKind === 'question' ? t('relay.sentAgain') : t('relay.sentAfterWait')));
    try {
      await this.deps.api.setMessageReaction(r.tgChatId, r.tgMessageId, [{ type: 'emoji', emoji: DELIVERED_REACTION }]);
      return 'shown';
    } catch (err) {
      this.deps.log.info({ err: describe(err), relay: r.id }, 'reaction refused; confirming with a reply');
      if (noticeUpdated) return 'shown';
      return (await this.reply(r, t('relay.sent'))).result;
    }
  }

  private async waitingHere(r: RelayRow, until: number, why: WaitReason): Promise<number | undefined> {
    return (await this.reply(r, t('relay.waiting', { until, now: (this.deps.now ?? Date.now)(), why }))).id;
  }

  private async failedHere(r: RelayRow, err: MarketError): Promise<EchoResult> {
    // A file that could not be fetched from Telegram is not Market's fault (see RelayQueue.send).
    const [what, todo] = reason(err.code === 'TELEGRAM_FILE' ? 'files.why.download' : err.kind);
    const p = { what, todo, technical: technical(err), attempts: r.attempts };
    return this.outcome(r, inCaptionStage(r) ? t('files.captionFailed', p) : t('relay.failed', p));
  }

  private async uncertainHere(r: RelayRow, err: MarketError | undefined): Promise<EchoResult> {
    const keyboard = new InlineKeyboard()
      .text(t('relay.button.resend'), `${RESEND_PREFIX}${r.id}`)
      .text(t('relay.button.drop'), `${DROP_PREFIX}${r.id}`);
    const p = { technical: err ? technical(err) : t('words.noAnswer') };
    return this.outcome(r, inCaptionStage(r) ? t('files.captionUncertain', p) : t('relay.uncertain', p), keyboard);
  }

  /**
   * A ❌ or ❓ outcome: written into the note that said the message was under way when there is one (so the seller
   * never has two messages to reconcile), otherwise a new reply.
   */
  private async outcome(r: RelayRow, text: string, keyboard?: InlineKeyboard): Promise<EchoResult> {
    if (r.noticeMessageId !== null) {
      if (await this.edit(r, r.noticeMessageId, text, keyboard)) return 'shown';
      // The note is gone (deleted by someone): say it in a new reply, and do not leave a stale note behind.
      await this.deps.api.deleteMessage(r.tgChatId, r.noticeMessageId).catch(() => undefined);
    }
    return (await this.reply(r, text, keyboard)).result;
  }

  /** Rewrites one of the bot's notes (editing is safe to repeat, so it is retried on a dropped connection). */
  private async edit(r: RelayRow, messageId: number, text: string, keyboard?: InlineKeyboard): Promise<boolean> {
    try {
      await this.deps.api.editMessageText(r.tgChatId, messageId, text, { reply_markup: keyboard ?? { inline_keyboard: [] } });
      return true;
    } catch (err) {
      // Shown again after a restart: the note already says so.
      if (describe(err).message.includes('message is not modified')) return true;
      this.deps.log.warn({ err: describe(err), relay: r.id }, 'could not update the note on the relay');
      return false;
    }
  }

  /**
   * A reply to the seller's message in its thread. Telegram's refusal (a 4xx) means nothing was posted; any other
   * failure (a 5xx, a dropped connection) may hide a post that went through, so the next try says it may repeat.
   */
  private async reply(r: RelayRow, text: string, keyboard?: InlineKeyboard): Promise<{ result: EchoResult; id?: number }> {
    try {
      const sent = await this.deps.api.sendMessage(r.tgChatId, r.echoUnsure ? `${t('relay.mayRepeat')}\n${text}` : text, {
        ...(r.tgThreadId !== null ? { message_thread_id: r.tgThreadId } : {}),
        reply_parameters: { message_id: r.tgMessageId, allow_sending_without_reply: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
      addAnchor(this.deps.db, { tgChatId: r.tgChatId, tgMessageId: sent.message_id, businessId: r.businessId, marketChatId: r.marketChatId, kind: 'echo' });
      return { result: 'shown', id: sent.message_id };
    } catch (err) {
      this.deps.log.error({ err: describe(err), relay: r.id }, 'could not tell the seller the relay result');
      return { result: err instanceof GrammyError && err.error_code < 500 ? 'not_shown' : 'unsure' };
    }
  }
}

/** A loggable summary of a Telegram error (never the request, which may hold the token in its URL). */
export function describe(err: unknown): { message: string; code?: number } {
  if (err && typeof err === 'object') {
    const e = err as { error_code?: unknown; description?: unknown; message?: unknown };
    if (typeof e.description === 'string') return { message: e.description, code: typeof e.error_code === 'number' ? e.error_code : undefined };
    if (typeof e.message === 'string') return { message: e.message };
  }
  return { message: String(err) };
}
