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

/** Button data of the move question: the chat the topic belongs to and the one it would move to. */
const MOVE = 'relink';
const KEEP = 'relinkKeep';

export function link(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  c.command('link', async (ctx) => {
    const msg = ctx.msg!;
    if (sentAsChat(msg)) return void (await ctx.reply(t('auth.anonymous'), { reply_parameters: { message_id: msg.message_id } }));
    if (!s.isAdmin(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const arg = ctx.match.trim().split(/\s+/)[0] ?? '';
    if (arg === '') return void (await ctx.reply(t('link.usage')));
    const chatId = parseChatId(arg);
    if (chatId === undefined) return void (await ctx.reply(t('link.badId', { arg })));

    const found = await s.chats.lookUp(chatId);
    if (!found.ok) {
      const e = found.error;
      s.log.warn({ chatId, kind: e.kind, status: e.status, code: e.code }, 'link: chat check failed');
      if (e.kind === 'not_found') return void (await ctx.reply(t('link.notFound', { chatId })));
      const [what, todo] = reason(e.kind);
      return void (await ctx.reply(t('link.failed', { chatId, what, todo, technical: technical(e) })));
    }
    const chat = found.chat;

    const topic = topicOf(msg);
    const key = topic !== null ? { tgChatId: msg.chat.id, tgThreadId: topic } : undefined;
    const current = key ? threadChat(s.db, key) : undefined;
    if (key && current !== undefined && current !== chatId) {
      await askToMove(ctx, msg, key, current, chat);
      return;
    }
    let moved: number | undefined;
    if (key) moved = linkThread(s.db, key, chatId, ctx.from!.id).movedFrom;
    const card = [t('link.card', { chat, mode: topic !== null ? 'topic' : 'reply' })];
    if (moved !== undefined) card.push(t('link.movedFrom', { threadId: moved }));
    const sent = await ctx.reply(card.join('\n'), { reply_parameters: { message_id: msg.message_id } });
    addAnchor(s.db, { tgChatId: msg.chat.id, tgMessageId: sent.message_id, marketChatId: chatId, kind: 'link_card' });
    s.log.info({ chatId, tgChatId: msg.chat.id, topic, by: ctx.from?.id }, 'linked');
    if (moved !== undefined) await tellLeftThread(ctx, msg.chat.id, moved, chat, topic!);
  });

  /** The question: nothing changes until someone on the team presses "Move". */
  async function askToMove(ctx: Context, msg: Message, key: ThreadKey, current: number, next: ChatInfo): Promise<void> {
    const currentInfo = await s.chats.lookUp(current);
    const nextHome = chatThread(s.db, key.tgChatId, next.chatId);
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
            { text: t('link.moveButton', { chatId: next.chatId }), callback_data: `${MOVE}:${current}:${next.chatId}` },
            { text: t('link.keepButton', { chatId: current }), callback_data: `${KEEP}:${current}:${next.chatId}` },
          ],
        ],
      },
    });
    s.log.info({ tgChatId: key.tgChatId, topic: key.tgThreadId, current, next: next.chatId, by: ctx.from?.id }, 'link: asked before moving a linked topic');
  }

  c.callbackQuery(new RegExp(`^(${MOVE}|${KEEP}):(\\d{1,16}):(\\d{1,16})$`), async (ctx) => {
    if (!s.isAdmin(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const [, action, fromText, toText] = ctx.match;
    const from = Number(fromText);
    const to = Number(toText);
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
      if (threadChat(s.db, key) !== from) {
        await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true });
        return void (await done(t('link.stale')));
      }
      await ctx.answerCallbackQuery({ text: t('link.kept', { chatId: from }) });
      return void (await done(t('link.kept', { chatId: from })));
    }
    const result = moveThread(s.db, key, from, to, ctx.from.id);
    if (!result.moved) {
      await ctx.answerCallbackQuery({ text: t('link.stale'), show_alert: true });
      return void (await done(t('link.stale')));
    }
    s.log.info({ tgChatId: key.tgChatId, topic, from, to, left: result.leftThread, by: ctx.from.id }, 'link: moved a linked topic');
    await ctx.answerCallbackQuery({ text: t('link.moved', { from, to }) });
    await done(t('link.moved', { from, to }));
    // The topic carries the new chat's name, so the old chat's next topic does not share it.
    const found = await s.chats.lookUp(to);
    const title = found.ok ? topicTitleOf(found.chat) : fitTopicTitle(t('link.plainTitle', { chatId: to }));
    await ctx.api
      .editForumTopic(key.tgChatId, topic, { name: title })
      .catch((err: unknown) => s.log.warn({ err: describe(err) }, 'link: could not rename the moved topic'));
    if (found.ok) {
      // The new chat's card, as /link gives it, and a message to reply to.
      const card = await ctx.api
        .sendMessage(key.tgChatId, t('link.card', { chat: found.chat, mode: 'topic' }), { message_thread_id: topic })
        .catch((err: unknown) => void s.log.warn({ err: describe(err) }, 'link: could not post the card of the moved topic'));
      if (card) addAnchor(s.db, { tgChatId: key.tgChatId, tgMessageId: card.message_id, marketChatId: to, kind: 'link_card' });
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
    if (!s.isAdmin(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
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
