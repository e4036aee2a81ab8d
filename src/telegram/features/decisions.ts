/** The seller's answer to "I can't tell whether the buyer got this message": send again, or leave it. */
import { Composer, type Context } from 'grammy';
import { t } from '../../texts.js';
import { DROP_PREFIX, RESEND_PREFIX } from '../echo.js';
import type { Services } from '../services.js';

export function decisions(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.callbackQuery(new RegExp(`^(${RESEND_PREFIX}|${DROP_PREFIX})(\\d+)$`), async (ctx) => {
    if (!s.isAdmin(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const [, action, idText] = ctx.match;
    const id = Number(idText);
    const row = action === RESEND_PREFIX ? s.relay.resend(id) : s.relay.cancel(id);
    const answer = row ? (action === RESEND_PREFIX ? t('relay.resent') : t('relay.dropped')) : t('relay.decided');
    await ctx.answerCallbackQuery({ text: answer });
    if (row && ctx.callbackQuery.message && 'text' in ctx.callbackQuery.message) {
      s.log.info({ relay: id, decision: action, by: ctx.from.id }, 'seller decided on an unconfirmed relay');
      await ctx
        .editMessageText(`${ctx.callbackQuery.message.text}\n\n→ ${answer}`, { reply_markup: { inline_keyboard: [] } })
        .catch(() => undefined);
    }
  });
  return c;
}
