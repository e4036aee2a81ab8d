import { Composer, type Context } from 'grammy';
import { t } from '../../texts.js';
import type { Services } from '../services.js';

export const COMMANDS = [
  { command: 'help', description: 'What this bot does and how to answer buyers' },
  { command: 'link', description: 'Link this topic to a Market chat: /link <chat id>' },
  { command: 'unlink', description: 'Stop sending this topic to Market' },
  { command: 'status', description: 'Linked chat and the latest deliveries' },
];

export function help(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.command(['help', 'start'], (ctx) => ctx.reply(t('help', { isAdmin: s.isAdmin(ctx.from?.id) })));
  return c;
}
