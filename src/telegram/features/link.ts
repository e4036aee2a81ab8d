/**
 * /link and /unlink: tie a topic (or a reply chain) to a Market chat, after checking the chat exists. A topic that
 * already belongs to another chat is not moved silently: the team is asked, and until someone on the team
 * confirms, messages in the topic keep going to the buyer it belongs to.
 */
import { Composer, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import { fitTopicTitle, topicTitleOf } from '../../bridge/chats.js';
import {
  addAnchor,
  anchorChat,
  chatThread,
  linkThread,
  moveThread,
  removeAnchors,
  threadChat,
  unlinkThread,
  sameChat,
  type ChatRef,
  type ThreadKey,
} from '../../db/links.js';
import type { ChatInfo } from '../../market/types.js';
import { reason, t, technical } from '../../texts.js';
import { describe } from '../echo.js';
import { explicitReplyTo, topicOf } from '../messages.js';
import type { Services } from '../services.js';
import { sentAsChat } from './relay.js';

/** A Market chat id: a positive integer (int64 in the spec; anything above 2^53 cannot be a real one here). */
export function parseChatId(arg: string): number | undefined {
  const s = arg.trim();
  if (!/^[0-9]{1,16}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

/** Button data of the move question: the chat the topic belongs to and the one it would move to (each with its shop). */
const MOVE = 'relink';
const KEEP = 'relinkKeep';
/** Button data of "which shop?" when a chat id exists in several shops hosted here. */
const PICK = 'linkShop';

/** `/link <chat id>` or `/link <shop> <chat id>` (shop: its business id or its name, as the start-up line shows). */
export function parseLinkArgs(match: string): { shop?: string; chat: string } {
  const words = match.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length >= 2) return { shop: words.slice(0, -1).join(' '), chat: words[words.length - 1]! };
  return { chat: words[0] ?? '' };
}

/** A chat with its shop in button data: `<businessId>.<chatId>`. */
const refData = (r: ChatRef) => `${r.businessId}.${r.marketChatId}`;

export function link(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  c.command('link', async (ctx) => {
    const msg = ctx.msg!;
    if (sentAsChat(msg)) return void (await ctx.reply(t('auth.anonymous'), { reply_parameters: { message_id: msg.message_id } }));
    if (!s.isTeam(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const args = parseLinkArgs(ctx.match);
    const arg = args.chat;
    if (arg === '') return void (await ctx.reply(t('link.usage')));
    const chatId = parseChatId(arg);
    if (chatId === undefined) return void (await ctx.reply(t('link.badId', { arg })));

    // Which shop: the one named, else the shops this Telegram chat hosts (asking when the id exists in several).
    const here = s.shopsIn(msg.chat.id);
    let candidates = here.length > 0 ? here : s.shops();
    if (args.shop !== undefined) {
      const wanted = args.shop.toLowerCase();
      candidates = s.shops().filter((x) => String(x.businessId) === wanted || x.name.toLowerCase() === wanted);
      if (candidates.length === 0) return void (await ctx.reply(t('shops.linkUnknownShop', { shop: args.shop })));
    }
    const lookups = await Promise.all(
      candidates.map(async (shop) => ({ shop, found: await (s.chatsFor(shop.businessId) ?? s.chats).lookUp(chatId) })),
    );
    const hits = lookups.filter((l) => l.found.ok);
    if (hits.length > 1) {
      await ctx.reply(t('shops.linkWhich', { chatId }), {
        reply_parameters: { message_id: msg.message_id },
        reply_markup: {
          inline_keyboard: hits.map((h) => [{ text: h.shop.name, callback_data: `${PICK}:${h.shop.businessId}:${chatId}` }]),
        },
      });
      return;
    }
    const chosen = hits[0] ?? lookups.find((l) => !l.found.ok && l.found.error.kind !== 'not_found') ?? lookups[0]!;
    await linkIn(ctx, msg, chosen.shop.businessId, chatId, chosen.found);
  });

  c.callbackQuery(new RegExp(`^${PICK}:(\\d{1,16}):(\\d{1,16})$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const businessId = Number(ctx.match[1]);
    const chatId = Number(ctx.match[2]);
    const question = ctx.callbackQuery.message as Message | undefined;
    const chats = s.chatsFor(businessId);
    if (!question || !chats) return void (await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true }));
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    // The question replies to the /link command; the link card answers that command, in its topic.
    const command = question.reply_to_message ?? question;
    await linkIn(ctx, command as Message, businessId, chatId, await chats.lookUp(chatId));
  });

  /** Links the topic (or starts a reply chain) to one shop's chat, once the look-up answered. */
  async function linkIn(
    ctx: Context,
    msg: Message,
    businessId: number,
    chatId: number,
    found: Awaited<ReturnType<Services['chats']['lookUp']>>,
  ): Promise<void> {
    if (!found.ok) {
      const e = found.error;
      s.log.warn({ chatId, kind: e.kind, status: e.status, code: e.code }, 'link: chat check failed');
      if (e.kind === 'not_found') return void (await ctx.reply(t('link.notFound', { chatId })));
      const [what, todo] = reason(e.kind);
      return void (await ctx.reply(t('link.failed', { chatId, what, todo, technical: technical(e) })));
    }
    const chat = found.chat;
    const target: ChatRef = { businessId, marketChatId: chatId };

    const topic = topicOf(msg);
    const key = topic !== null ? { tgChatId: msg.chat.id, tgThreadId: topic } : undefined;
    const current = key ? threadChat(s.db, key) : undefined;
    if (key && current !== undefined && !sameChat(current, target)) {
      await askToMove(ctx, msg, key, current, target, chat);
      return;
    }
    let moved: number | undefined;
    if (key) moved = linkThread(s.db, key, target, ctx.from!.id).movedFrom;
    const card = [t('link.card', { chat, mode: topic !== null ? 'topic' : 'reply' })];
    const shopName = s.shops().length > 1 ? s.shops().find((x) => x.businessId === businessId)?.name : undefined;
    if (shopName !== undefined) card.push(t('shops.linkCard', { shop: shopName }));
    if (moved !== undefined) card.push(t('link.movedFrom', { threadId: moved }));
    const sent = await ctx.reply(card.join('\n'), { reply_parameters: { message_id: msg.message_id } });
    addAnchor(s.db, { tgChatId: msg.chat.id, tgMessageId: sent.message_id, businessId, marketChatId: chatId, kind: 'link_card' });
    s.log.info({ chatId, businessId, tgChatId: msg.chat.id, topic, by: ctx.from?.id }, 'linked');
    if (moved !== undefined) await tellLeftThread(ctx, msg.chat.id, moved, chat, topic!);
  }

  /** The question: nothing changes until someone on the team presses "Move". */
  async function askToMove(ctx: Context, msg: Message, key: ThreadKey, currentRef: ChatRef, nextRef: ChatRef, next: ChatInfo): Promise<void> {
    const current = currentRef.marketChatId;
    const currentInfo = await (s.chatsFor(currentRef.businessId) ?? s.chats).lookUp(current);
    const nextHome = chatThread(s.db, key.tgChatId, nextRef);
    const text = t('link.relinkAsk', {
      current,
      currentChat: currentInfo.ok ? currentInfo.chat : undefined,
      next,
      nextHome: nextHome !== undefined && nextHome !== key.tgThreadId ? nextHome : undefined,
    });
    await ctx.reply(text, {
      reply_parameters: { message_id: msg.message_id },
      reply_markup: {
        inline_keyboard: [
          [
            { text: t('link.moveButton', { chatId: next.chatId }), callback_data: `${MOVE}:${refData(currentRef)}:${refData(nextRef)}` },
            { text: t('link.keepButton', { chatId: current }), callback_data: `${KEEP}:${refData(currentRef)}:${refData(nextRef)}` },
          ],
        ],
      },
    });
    s.log.info({ tgChatId: key.tgChatId, topic: key.tgThreadId, current, next: next.chatId, by: ctx.from?.id }, 'link: asked before moving a linked topic');
  }

  c.callbackQuery(new RegExp(`^(${MOVE}|${KEEP}):(\\d{1,16})\\.(\\d{1,16}):(\\d{1,16})\\.(\\d{1,16})$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const [, action, fromBiz, fromText, toBiz, toText] = ctx.match;
    const from = Number(fromText);
    const to = Number(toText);
    const fromRef: ChatRef = { businessId: Number(fromBiz), marketChatId: from };
    const toRef: ChatRef = { businessId: Number(toBiz), marketChatId: to };
    const question = ctx.callbackQuery.message;
    const topic = question && 'text' in question ? topicOf(question as Message) : null;
    if (!question || topic === null) return void (await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true }));
    const key = { tgChatId: question.chat.id, tgThreadId: topic };
    const done = async (answer: string) => {
      await ctx
        .editMessageText(`${(question as Message).text ?? ''}\n\n${answer}`, { reply_markup: { inline_keyboard: [] } })
        .catch((err: unknown) => s.log.warn({ err: describe(err) }, 'link: could not close the move question'));
    };

    if (action === KEEP) {
      if (!sameChat(threadChat(s.db, key), fromRef)) {
        await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true });
        return void (await done(t('link.stale')));
      }
      await ctx.answerCallbackQuery({ text: t('link.kept', { chatId: from }) });
      return void (await done(t('link.kept', { chatId: from })));
    }
    const result = moveThread(s.db, key, fromRef, toRef, ctx.from.id);
    if (!result.moved) {
      await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true });
      return void (await done(t('link.stale')));
    }
    s.log.info({ tgChatId: key.tgChatId, topic, from, to, left: result.leftThread, by: ctx.from.id }, 'link: moved a linked topic');
    await ctx.answerCallbackQuery({ text: t('link.moved', { from, to }) });
    await done(t('link.moved', { from, to }));
    // The topic carries the new chat's name, so the old chat's next topic does not share it.
    const found = await (s.chatsFor(toRef.businessId) ?? s.chats).lookUp(to);
    const title = found.ok ? topicTitleOf(found.chat) : fitTopicTitle(t('link.plainTitle', { chatId: to }));
    await ctx.api
      .editForumTopic(key.tgChatId, topic, { name: title })
      .catch((err: unknown) => s.log.warn({ err: describe(err) }, 'link: could not rename the moved topic'));
    if (found.ok) {
      // The new chat's card, as /link gives it, and a message to reply to.
      const card = await ctx.api
        .sendMessage(key.tgChatId, t('link.card', { chat: found.chat, mode: 'topic' }), { message_thread_id: topic })
        .catch((err: unknown) => void s.log.warn({ err: describe(err) }, 'link: could not post the card of the moved topic'));
      if (card) addAnchor(s.db, { tgChatId: key.tgChatId, tgMessageId: card.message_id, ...toRef, kind: 'link_card' });
    }
    if (result.leftThread !== undefined) {
      await tellLeftThread(ctx, key.tgChatId, result.leftThread, found.ok ? found.chat : to, topic);
    }
  });

  /**
   * The topic a chat left is told that it no longer sends anywhere, so nobody writes there in vain, and is renamed
   * so that two topics never carry the chat's name.
   */
  async function tellLeftThread(ctx: Context, tgChatId: number, left: number, chat: ChatInfo | number, now: number): Promise<void> {
    const chatId = typeof chat === 'number' ? chat : chat.chatId;
    if (typeof chat !== 'number') {
      await ctx.api
        .editForumTopic(tgChatId, left, { name: fitTopicTitle(t('link.leftTitle', { title: topicTitleOf(chat), threadId: now })) })
        .catch((err: unknown) => s.log.warn({ err: describe(err), left }, 'link: could not rename the topic the chat left'));
    }
    await ctx.api
      .sendMessage(tgChatId, t('link.homeLeft', { chatId, threadId: now }), { message_thread_id: left })
      .catch((err: unknown) => s.log.warn({ err: describe(err), left }, 'link: could not tell the topic the chat left'));
  }

  c.command('unlink', async (ctx) => {
    const msg = ctx.msg!;
    if (sentAsChat(msg)) return void (await ctx.reply(t('auth.anonymous'), { reply_parameters: { message_id: msg.message_id } }));
    if (!s.isTeam(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
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
    s.log.info({ chatId: unlinked.marketChatId, businessId: unlinked.businessId, tgChatId: msg.chat.id, topic, by: ctx.from?.id }, 'unlinked');
    await ctx.reply(t('unlink.done', { chatId: unlinked.marketChatId }));
  });
  return c;
}
