/**
 * /id: the chat's id, the topic's id (in a topic) and the sender's own user id, for anyone: a new teammate needs
 * their id before an owner can add them, and none of these is a secret. Mounted before the gate (which answers
 * outsiders with a refusal), with its own limit so that nobody can make the bot talk without end.
 */
import { Composer, type Context } from 'grammy';
import { limit } from '@grammyjs/ratelimiter';
import { t } from '../../texts.js';
import { topicOf } from '../messages.js';
import type { Services } from '../services.js';
import { sentAsChat } from './relay.js';

export function id(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  const cmd = c.command('id');
  cmd.filter(
    (ctx) => !s.isTeam(ctx.from?.id),
    limit({
      timeFrame: 60_000,
      limit: 3,
      keyGenerator: (ctx: Context) => String(ctx.from?.id ?? ctx.chat?.id ?? 'anon'),
      onLimitExceeded: (ctx: Context) => s.log.warn({ userId: ctx.from?.id, chatId: ctx.chat?.id }, 'throttled /id from an outsider'),
    }),
  );
  cmd.use(async (ctx) => {
    const msg = ctx.msg;
    const topic = topicOf(msg);
    const lines = [t('id.chat', { chatId: String(msg.chat.id) })];
    if (topic !== null) lines.push(t('id.topic', { threadId: String(topic) }));
    // Someone writing as the group has no user id of their own to show (`from` is Telegram's stand-in).
    if (ctx.from && !sentAsChat(msg)) lines.push(t('id.you', { userId: String(ctx.from.id) }));
    await ctx.reply(lines.join('\n'), { reply_parameters: { message_id: msg.message_id } });
  });
  return c;
}
