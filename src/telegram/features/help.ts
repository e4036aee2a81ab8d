/** /start (hello and the one next step), /help (one screen, details behind a button) and the command menu. */
import { Composer, InlineKeyboard, type Context } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { destinationFor } from '../../bridge/destination.js';
import { t } from '../../texts.js';
import type { Services } from '../services.js';

/** The commands Telegram shows in its menu (setMyCommands, once per language). */
export const MENU = ['help', 'link', 'unlink', 'status', 'chats', 'stats', 'language', 'translate', 'id', 'team', 'setup'] as const;

/** The menu in the current language. */
export function commandsMenu(): BotCommand[] {
  return MENU.map((command) => ({ command, description: t(`command.${command}`) }));
}

const MORE = 'help:more';
const BACK = 'help:main';

export function help(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  const first = (ctx: Context) => ({
    text: t('help', { isAdmin: s.isTeam(ctx.from?.id) }),
    keyboard: new InlineKeyboard().text(t('help.button.more'), MORE),
  });
  c.command('start', async (ctx) => {
    const userId = ctx.from?.id;
    const next = !s.isTeam(userId)
      ? t('start.next.notTeam', { userId: userId ?? 0 })
      : s.shops().every((shop) => destinationFor(s.db, s.group, shop.businessId) === undefined)
        ? t('start.next.setup', { chatId: ctx.chat.id })
        : t('start.next.answer');
    await ctx.reply(`${t('start.greeting')}\n\n${next}`);
  });
  c.command('help', async (ctx) => {
    const page = first(ctx);
    await ctx.reply(page.text, { reply_markup: page.keyboard });
  });
  // Pages are only words: anyone the gate let in may turn them.
  c.callbackQuery([MORE, BACK], async (ctx) => {
    const page =
      ctx.callbackQuery.data === MORE
        ? { text: `${t('help.more')}\n\n${t('help.feedback')}\n\n${t('help.setup')}`, keyboard: new InlineKeyboard().text(t('help.button.back'), BACK) }
        : first(ctx);
    await ctx.editMessageText(page.text, { reply_markup: page.keyboard }).catch(() => undefined);
    await ctx.answerCallbackQuery();
  });
  return c;
}
