import { Composer, type Context } from 'grammy';
import { t } from '../../texts.js';
import type { Services } from '../services.js';

/** The commands Telegram shows in its menu (setMyCommands). */
export const COMMANDS = (['help', 'link', 'unlink', 'status', 'stats'] as const).map((command) => ({
  command,
  description: t(`command.${command}`),
}));

export function help(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.command(['help', 'start'], (ctx) => ctx.reply(t('help', { isAdmin: s.isAdmin(ctx.from?.id) })));
  return c;
}
