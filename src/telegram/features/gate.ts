/**
 * Who the bot listens to. Private chats belong to the team's admins; groups count once the team uses them (the
 * configured chat, or a chat with a link or anchor, or an admin's command in it). Everything else is dropped
 * before any feature sees it, and outsiders who keep writing are throttled.
 */
import { Composer, type Context } from 'grammy';
import { limit } from '@grammyjs/ratelimiter';
import { knowsChat } from '../../db/links.js';
import { shopsPlacedIn } from '../../db/places.js';
import { t } from '../../texts.js';
import { isCommand } from '../messages.js';
import type { Services } from '../services.js';

export function gate(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  // Outsiders get at most a few answers a minute; the rest is dropped without a word.
  c.filter(
    (ctx) => !s.isTeam(ctx.from?.id),
    limit({
      timeFrame: 60_000,
      limit: 5,
      keyGenerator: (ctx: Context) => String(ctx.from?.id ?? ctx.chat?.id ?? 'anon'),
      onLimitExceeded: (ctx: Context) => s.log.warn({ userId: ctx.from?.id, chatId: ctx.chat?.id }, 'throttled an outsider'),
    }),
  );

  c.use(async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat) return; // inline queries, polls and the like: nothing for a bridge
    const admin = s.isTeam(ctx.from?.id);
    const ours =
      s.group.isGroup(chat.id) ||
      shopsPlacedIn(s.db, chat.id).length > 0 ||
      (chat.type === 'private' ? admin : admin || knowsChat(s.db, chat.id));
    if (ours) return next();
    // An outsider's command in private gets one clear refusal; anything else from a chat we have no business in
    // is ignored.
    if (chat.type === 'private' && ctx.message && isCommand(ctx.message)) {
      await ctx.reply(t('auth.refused'));
      return;
    }
    s.log.debug({ chatId: chat.id, userId: ctx.from?.id }, 'ignored an update from a chat the bridge has no business in');
  });
  return c;
}
