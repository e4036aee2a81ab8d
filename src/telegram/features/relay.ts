/**
 * A seller's message in a linked thread goes to the buyer. This handler only decides and records; delivery,
 * retries and the echo happen in the relay queue, so the chat's update stream is never held up by Market.
 */
import { Composer, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import { addAnchor, anchorChat, threadChat, type ChatRef } from '../../db/links.js';
import { checkText, isBlank, isInternalNote } from '../../bridge/text-rules.js';
import type { NewRelay } from '../../bridge/relay.js';
import { MAX_FILE_BYTES } from '../../market/client.js';
import { t } from '../../texts.js';
import { contentKind, explicitReplyTo, isCommand, topicOf } from '../messages.js';

/** What the ledger keeps in place of a message that contained a secret (/status shows it in the chat's words). */
export const WITHHELD_TEXT = '[withheld: contained a secret]';
import type { Services } from '../services.js';
import { translateSellerText } from './translate.js';

/**
 * The Market chat a message is addressed to, with the shop it belongs to (stored with the link, never guessed): an
 * explicit reply to an anchor wins, then the topic's link.
 */
export function targetChat(s: Services, m: Message): ChatRef | undefined {
  const replied = explicitReplyTo(m);
  if (replied) {
    const chat = anchorChat(s.db, m.chat.id, replied.message_id);
    if (chat !== undefined) return chat;
  }
  const topic = topicOf(m);
  return topic !== null ? threadChat(s.db, { tgChatId: m.chat.id, tgThreadId: topic }) : undefined;
}

/**
 * Sent on behalf of a chat (an anonymous group admin, or someone writing as a channel): `from` is then Telegram's
 * placeholder (@GroupAnonymousBot, 1087968824), not a person, so nobody can be identified and nothing is relayed,
 * even if that placeholder's id were on TELEGRAM_ADMIN_IDS.
 */
export function sentAsChat(m: Message): boolean {
  return m.sender_chat !== undefined;
}

type Refusal = { code: string; reply: string } | undefined;

function textRefusal(text: string): Refusal {
  const verdict = checkText(text);
  if (verdict.ok) return undefined;
  return verdict.reason === 'empty'
    ? { code: 'EMPTY', reply: t('relay.empty') }
    : { code: 'TOO_LONG', reply: t('relay.tooLong', { length: verdict.length, max: verdict.max }) };
}

/** Decided from what Telegram tells about the file, before anything is downloaded or sent. */
function fileRefusal(file: NonNullable<NewRelay['file']>, caption: string | undefined): Refusal {
  if (file.size !== undefined && file.size > MAX_FILE_BYTES) {
    return { code: 'FILE_TOO_LARGE', reply: t('files.tooLarge', { size: file.size, max: MAX_FILE_BYTES }) };
  }
  if (caption !== undefined) {
    const verdict = checkText(caption);
    if (!verdict.ok && verdict.reason === 'too_long') {
      return { code: 'TOO_LONG', reply: t('files.captionTooLong', { length: verdict.length, max: verdict.max }) };
    }
  }
  return undefined;
}

/**
 * A photo or document the seller sent, as Market will receive it; undefined for anything else. A GIF also
 * carries a `document` (for old clients), but it is an animation and is not sent.
 */
export function sellerFile(m: Message): NewRelay['file'] {
  if (m.photo && m.photo.length > 0) {
    // The largest size Telegram keeps; Telegram lists them smallest first, but do not rely on it.
    const best = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return { fileId: best.file_id, name: `photo-${m.message_id}.jpg`, size: best.file_size, mime: 'image/jpeg' };
  }
  if (m.document && !m.animation) {
    const d = m.document;
    return {
      fileId: d.file_id,
      name: d.file_name || `file-${m.message_id}`,
      size: d.file_size,
      mime: d.mime_type || 'application/octet-stream',
    };
  }
  return undefined;
}

/** The caption to send after the file; blank captions are none. */
function captionOf(m: Message): string | undefined {
  const c = m.caption;
  return c !== undefined && !isBlank(c) ? c : undefined;
}

/** Outsiders are told once per chat per process why their message did not go; after that they are ignored. */
const OUTSIDER_NOTICE_MEMORY = 10_000;

export function relay(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  const toldOutsiders = new Set<string>();

  c.on('message', async (ctx) => {
    const m = ctx.message;
    if (isCommand(m)) return; // unknown commands are not messages for the buyer
    const kind = contentKind(m);
    if (kind === undefined) return; // service messages
    const target = targetChat(s, m);
    if (target === undefined) {
      if (m.chat.type === 'private' && kind === 'text' && !isInternalNote(m.text ?? '')) {
        await ctx.reply(t('relay.replyHint'));
      }
      return;
    }
    const userId = ctx.from?.id;
    if (sentAsChat(m)) {
      const key = `${m.chat.id}:as:${m.sender_chat!.id}`;
      if (!toldOutsiders.has(key)) {
        if (toldOutsiders.size >= OUTSIDER_NOTICE_MEMORY) toldOutsiders.clear();
        toldOutsiders.add(key);
        await ctx.reply(t('auth.anonymous'), { reply_parameters: { message_id: m.message_id } });
      }
      s.log.info({ tgChatId: m.chat.id, senderChat: m.sender_chat!.id }, 'not relayed: sent anonymously, as a chat');
      return;
    }
    if (userId === undefined || !s.isTeam(userId)) {
      const key = `${m.chat.id}:${userId}`;
      if (userId !== undefined && !toldOutsiders.has(key)) {
        if (toldOutsiders.size >= OUTSIDER_NOTICE_MEMORY) toldOutsiders.clear();
        toldOutsiders.add(key);
        await ctx.reply(t('auth.notRelayed', { userId }), { reply_parameters: { message_id: m.message_id } });
      }
      s.log.info({ tgChatId: m.chat.id, userId }, 'not relayed: sender is not on the team list');
      return;
    }

    const { businessId, marketChatId } = target;
    const queue = s.relayFor(businessId);
    if (!queue) {
      s.log.warn({ tgChatId: m.chat.id, businessId, marketChatId }, 'not relayed: the chat belongs to a shop this bot no longer serves');
      await ctx.reply(t('shops.gone', { businessId }), { reply_parameters: { message_id: m.message_id } });
      return;
    }
    const base: NewRelay = {
      tgChatId: m.chat.id,
      tgMessageId: m.message_id,
      tgThreadId: topicOf(m),
      tgUserId: userId,
      marketChatId,
    };
    const text = m.text;
    if (text !== undefined && isInternalNote(text)) return;
    const file = text === undefined ? sellerFile(m) : undefined;
    const caption = file ? captionOf(m) : undefined;
    // "// damaged box, photo from the warehouse": a photo for the team, like any other note.
    if (caption !== undefined && isInternalNote(caption)) return;

    // A pasted bot token or Api-Key must never reach a buyer (or the ledger).
    const leaks = s.secrets.some((secret) => (text ?? m.caption ?? '').includes(secret));
    const refusal = leaks
      ? { code: 'SECRET', reply: t('relay.secret') }
      : text !== undefined
        ? textRefusal(text)
        : file
          ? fileRefusal(file, caption)
          : { code: 'UNSUPPORTED', reply: t('relay.unsupported', { what: kind }) };
    if (refusal) {
      if (s.relay.findByMessage(m.chat.id, m.message_id)) return; // a redelivered update: answered before
      // Answer first, then record: a crash in between repeats the answer rather than losing it.
      const sent = await ctx.reply(refusal.reply, { reply_parameters: { message_id: m.message_id } });
      addAnchor(s.db, { tgChatId: m.chat.id, tgMessageId: sent.message_id, businessId, marketChatId, kind: 'echo' });
      queue.recordRefusal({ ...base, text: leaks ? WITHHELD_TEXT : (text ?? m.caption), file }, refusal.code, refusal.reply);
      return;
    }
    // Translation on in this chat: a text in the team's language is previewed (or sent translated) instead.
    const translation = s.translationFor?.(businessId);
    if (text !== undefined && translation && !s.relay.findByMessage(m.chat.id, m.message_id)) {
      if (await translateSellerText(s, translation, ctx, { ...base, text })) return;
    }
    // A caption travels in the file's row and is sent right after the file (see bridge/relay.ts).
    // One transaction: the ledger row and the anchor that lets a reply to one's own message continue the
    // conversation are written together (and one commit is cheaper than two).
    const row = s.db.transaction(() => {
      const recorded = queue.submit({ ...base, ...(file ? { file, text: caption } : { text }) });
      if (recorded) addAnchor(s.db, { tgChatId: m.chat.id, tgMessageId: m.message_id, businessId, marketChatId, kind: 'seller' });
      return recorded;
    });
    if (!row) s.log.info({ tgChatId: m.chat.id, tgMessageId: m.message_id }, 'duplicate update: already relayed');
  });

  // Market messages cannot be edited: say so once per message, and send nothing.
  c.on('edited_message', async (ctx) => {
    const m = ctx.editedMessage;
    const row = s.relay.findByMessage(m.chat.id, m.message_id);
    if (!row || !s.isTeam(ctx.from?.id)) return;
    if (!s.relay.claimEditNotice(row.id)) return;
    const sent = await ctx.reply(t('relay.edited'), { reply_parameters: { message_id: m.message_id } });
    addAnchor(s.db, { tgChatId: m.chat.id, tgMessageId: sent.message_id, businessId: row.businessId, marketChatId: row.marketChatId, kind: 'echo' });
  });
  return c;
}
