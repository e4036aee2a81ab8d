/**
 * The relay's results shown to the seller, attached to their message in the same thread: a 👍 reaction when
 * Market accepted it (a reaction costs no message, and a group allows a bot ~20 messages a minute), otherwise a
 * reply in plain words. Every bot reply is an anchor, so replying to it continues the conversation.
 */
import { InlineKeyboard, type Api } from 'grammy';
import type { Db } from '../db/open.js';
import { addAnchor } from '../db/links.js';
import type { RelayRow } from '../db/relays.js';
import type { Logger } from '../logger.js';
import type { MarketError } from '../market/errors.js';
import { inCaptionStage, type RelayEcho, type WaitReason } from '../bridge/relay.js';
import { t, technical } from '../texts.js';

/** In Telegram's fixed list of reactions a bot may set (✅ is not). */
export const DELIVERED_REACTION = '👍';

export const RESEND_PREFIX = 'relay:resend:';
export const DROP_PREFIX = 'relay:drop:';

export class TelegramEcho implements RelayEcho {
  constructor(private readonly deps: { api: Api; db: Db; log: Logger; now?: () => number }) {}

  async delivered(r: RelayRow): Promise<boolean> {
    let noticeUpdated = false;
    if (r.noticeMessageId !== null) {
      noticeUpdated = await this.deps.api
        .editMessageText(r.tgChatId, r.noticeMessageId, t('relay.sentAfterWait'))
        .then(() => true)
        .catch((err: unknown) => {
          // Shown again after a restart: the notice already says so.
          if (describe(err).message.includes('message is not modified')) return true;
          this.deps.log.warn({ err: describe(err), relay: r.id }, 'could not update the waiting notice');
          return false;
        });
    }
    try {
      await this.deps.api.setMessageReaction(r.tgChatId, r.tgMessageId, [{ type: 'emoji', emoji: DELIVERED_REACTION }]);
      return true;
    } catch (err) {
      this.deps.log.info({ err: describe(err), relay: r.id }, 'reaction refused; confirming with a reply');
      if (noticeUpdated) return true;
      return (await this.reply(r, t('relay.sent'))) !== undefined;
    }
  }

  async waiting(r: RelayRow, until: number, why: WaitReason): Promise<number | undefined> {
    return this.reply(r, t('relay.waiting', { until, now: (this.deps.now ?? Date.now)(), why }));
  }

  async failed(r: RelayRow, err: MarketError): Promise<boolean> {
    // A file that could not be fetched from Telegram is not Market's fault (see RelayQueue.send).
    const [what, todo] = err.code === 'TELEGRAM_FILE' ? t('files.why.download') : t(`why.${err.kind}`);
    const p = { what, todo, technical: technical(err), attempts: r.attempts };
    const shown = await this.reply(r, inCaptionStage(r) ? t('files.captionFailed', p) : t('relay.failed', p));
    await this.dropNotice(r);
    return shown !== undefined;
  }

  async uncertain(r: RelayRow, err: MarketError | undefined): Promise<boolean> {
    const keyboard = new InlineKeyboard()
      .text(t('relay.button.resend'), `${RESEND_PREFIX}${r.id}`)
      .text(t('relay.button.drop'), `${DROP_PREFIX}${r.id}`);
    const p = { technical: err ? technical(err) : 'no answer' };
    const shown = await this.reply(r, inCaptionStage(r) ? t('files.captionUncertain', p) : t('relay.uncertain', p), keyboard);
    await this.dropNotice(r);
    return shown !== undefined;
  }

  /** The "⏳ will be retried" notice is wrong once the relay failed or needs a decision. */
  private async dropNotice(r: RelayRow): Promise<void> {
    if (r.noticeMessageId !== null) await this.deps.api.deleteMessage(r.tgChatId, r.noticeMessageId).catch(() => undefined);
  }

  /** A reply to the seller's message in its thread; returns the reply's id (undefined if Telegram refused it). */
  private async reply(r: RelayRow, text: string, keyboard?: InlineKeyboard): Promise<number | undefined> {
    try {
      const sent = await this.deps.api.sendMessage(r.tgChatId, text, {
        ...(r.tgThreadId !== null ? { message_thread_id: r.tgThreadId } : {}),
        reply_parameters: { message_id: r.tgMessageId, allow_sending_without_reply: true },
        ...(keyboard ? { reply_markup: keyboard } : {}),
      });
      addAnchor(this.deps.db, { tgChatId: r.tgChatId, tgMessageId: sent.message_id, marketChatId: r.marketChatId, kind: 'echo' });
      return sent.message_id;
    } catch (err) {
      this.deps.log.error({ err: describe(err), relay: r.id }, 'could not tell the seller the relay result');
      return undefined;
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
