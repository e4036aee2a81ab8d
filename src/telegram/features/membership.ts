/**
 * my_chat_member: the bot's own membership changed (removed, added back, restricted, promoted, demoted; in a private
 * chat, blocked or unblocked). Where buyer chats appear (TELEGRAM_CHAT_ID, /setup places) it decides whether buyer messages can be posted there
 * (telegram/presence.ts); elsewhere it is only logged.
 */
import { Composer, type Context } from 'grammy';
import type { Services } from '../services.js';

export function membership(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.on('my_chat_member', async (ctx) => {
    const u = ctx.myChatMember;
    const title = 'title' in u.chat ? u.chat.title : undefined;
    s.log.info(
      { tgChatId: u.chat.id, from: u.from.id, was: u.old_chat_member.status, now: u.new_chat_member.status },
      'the bot’s membership changed',
    );
    // Only where buyer chats appear (TELEGRAM_CHAT_ID, or a /setup place) does the bot's standing pause posting.
    await s.botMemberChanged?.(u.chat.id, u.new_chat_member, title);
  });
  return c;
}
