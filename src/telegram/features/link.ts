/** /link and /unlink: tie a topic (or a reply chain) to a Market chat, after checking the chat exists. */
import { Composer, type Context } from 'grammy';
import { addAnchor, anchorChat, chatThread, linkThread, removeAnchors, threadChat, unlinkThread } from '../../db/links.js';
import { MarketError } from '../../market/errors.js';
import { QuotaExhausted } from '../../market/limits.js';
import { t, technical } from '../../texts.js';
import { explicitReplyTo, topicOf } from '../messages.js';
import type { Services } from '../services.js';

/** A Market chat id: a positive integer (int64 in the spec; anything above 2^53 cannot be a real one here). */
export function parseChatId(arg: string): number | undefined {
  const s = arg.trim();
  if (!/^[0-9]{1,16}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

export function link(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  c.command('link', async (ctx) => {
    if (!s.isAdmin(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const arg = ctx.match.trim().split(/\s+/)[0] ?? '';
    if (arg === '') return void (await ctx.reply(t('link.usage')));
    const chatId = parseChatId(arg);
    if (chatId === undefined) return void (await ctx.reply(t('link.badId', { arg })));

    let chat;
    try {
      chat = await s.market.getChat(chatId, 'relay');
    } catch (err) {
      const e = err instanceof QuotaExhausted ? new MarketError('quota', 'no', { retryAt: err.until }) : err;
      if (!(e instanceof MarketError)) throw err;
      s.log.warn({ chatId, kind: e.kind, status: e.status, code: e.code }, 'link: chat check failed');
      if (e.kind === 'not_found') return void (await ctx.reply(t('link.notFound', { chatId })));
      const [what, todo] = t(`why.${e.kind}`);
      return void (await ctx.reply(t('link.failed', { chatId, reason: `${what} ${todo}`, technical: technical(e) })));
    }

    const msg = ctx.msg!;
    const topic = topicOf(msg);
    let moved: number | undefined;
    if (topic !== null) {
      moved = linkThread(s.db, { tgChatId: msg.chat.id, tgThreadId: topic }, chatId, ctx.from!.id).movedFrom;
    }
    const card = [t('link.card', { chat, mode: topic !== null ? 'topic' : 'reply' })];
    if (moved !== undefined) card.push(t('link.movedFrom', { threadId: moved }));
    const sent = await ctx.reply(card.join('\n'), { reply_parameters: { message_id: msg.message_id } });
    addAnchor(s.db, { tgChatId: msg.chat.id, tgMessageId: sent.message_id, marketChatId: chatId, kind: 'link_card' });
    s.log.info({ chatId, tgChatId: msg.chat.id, topic, by: ctx.from?.id }, 'linked');
  });

  c.command('unlink', async (ctx) => {
    if (!s.isAdmin(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const msg = ctx.msg!;
    const topic = topicOf(msg);
    const replied = explicitReplyTo(msg);
    // The chat to unlink: the one the replied message belongs to, else the topic's. Afterwards nothing in this
    // Telegram chat relays to it: the topic link and every reply anchor of it here are removed.
    const unlinked =
      (replied ? anchorChat(s.db, msg.chat.id, replied.message_id) : undefined) ??
      (topic !== null ? threadChat(s.db, { tgChatId: msg.chat.id, tgThreadId: topic }) : undefined);
    if (unlinked !== undefined) {
      removeAnchors(s.db, msg.chat.id, unlinked);
      const home = chatThread(s.db, msg.chat.id, unlinked);
      if (home !== undefined) unlinkThread(s.db, { tgChatId: msg.chat.id, tgThreadId: home });
    }
    if (unlinked === undefined) return void (await ctx.reply(t('unlink.notLinked')));
    s.log.info({ chatId: unlinked, tgChatId: msg.chat.id, topic, by: ctx.from?.id }, 'unlinked');
    await ctx.reply(t('unlink.done', { chatId: unlinked }));
  });
  return c;
}
