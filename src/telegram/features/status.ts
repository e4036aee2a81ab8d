/** /status: what this thread is linked to and how its latest messages fared. */
import { Composer, type Context } from 'grammy';
import { countOpenRelays, recentRelays } from '../../db/relays.js';
import { threadChat } from '../../db/links.js';
import type { ChatInfo } from '../../market/types.js';
import { t } from '../../texts.js';
import { topicOf } from '../messages.js';
import { WITHHELD_TEXT } from './relay.js';
import type { Services } from '../services.js';

export function status(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.command('status', async (ctx) => {
    if (!s.isTeam(ctx.from?.id)) return void (await ctx.reply(t('auth.refused')));
    const msg = ctx.msg!;
    const topic = topicOf(msg);
    const linked = topic !== null ? threadChat(s.db, { tgChatId: msg.chat.id, tgThreadId: topic }) : undefined;
    if (topic !== null && linked === undefined) return void (await ctx.reply(t('status.none')));

    let chat: ChatInfo | undefined;
    if (linked !== undefined) {
      const found = await (s.chatsFor(linked.businessId) ?? s.chats).lookUp(linked.marketChatId);
      if (found.ok) chat = found.chat;
    }
    const rows = recentRelays(s.db, msg.chat.id, topic, 5);
    const lines = [t('status.header', { chatId: linked?.marketChatId, chat })];
    if (rows.length === 0) lines.push(t('status.noDeliveries'));
    for (const r of rows) {
      const text = r.kind === 'file' ? t('status.file', { name: r.fileName }) : r.text === WITHHELD_TEXT ? t('status.withheld') : (r.text ?? '');
      // A delivered row keeps the status of an earlier failed attempt (a 420 it waited out, a 500 it was found
      // after): next to "delivered" that would read as an error, so only undelivered rows show it.
      const detail =
        r.state !== 'delivered' && (r.httpStatus !== null || r.errorCode !== null)
          ? [r.httpStatus ? `HTTP ${r.httpStatus}` : '', r.errorCode ?? ''].filter(Boolean).join(' ')
          : undefined;
      lines.push(
        t('status.line', {
          at: r.createdAt,
          state: t('status.state', { state: r.state }),
          text: text.length > 60 ? `${text.slice(0, 57)}…` : text,
          detail,
        }),
      );
    }
    const waiting = countOpenRelays(s.db, msg.chat.id);
    if (waiting > 0) lines.push(t('status.queue', { waiting }));
    await ctx.reply(lines.join('\n'));
  });
  return c;
}
