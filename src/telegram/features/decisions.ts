/** The seller's answer to "I can't tell whether the buyer got this message": send again, or leave it. */
import { Composer, type Context } from 'grammy';
import { t } from '../../texts.js';
import { DROP_PREFIX, RESEND_PREFIX } from '../echo.js';
import type { Services } from '../services.js';

export function decisions(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.callbackQuery(new RegExp(`^(${RESEND_PREFIX}|${DROP_PREFIX})(\\d+)$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const [, action, idText] = ctx.match;
    const id = Number(idText);
    const question = ctx.callbackQuery.message;
    const mark = (answer: string) =>
      question && 'text' in question
        ? ctx.editMessageText(`${question.text}\n\n→ ${answer}`, { reply_markup: { inline_keyboard: [] } }).then(
            () => undefined,
            () => undefined,
          )
        : Promise.resolve();
    let row;
    if (action === RESEND_PREFIX) {
      // "Sending again…" is written before the relay goes, so the relay's own edit with the outcome comes after it.
      if (s.relay.get(id)?.state === 'uncertain') await mark(t('relay.resent'));
      row = s.relay.resend(id, question?.message_id);
    } else {
      row = s.relay.cancel(id);
      if (row) await mark(t('relay.dropped'));
    }
    const answer = row ? (action === RESEND_PREFIX ? t('relay.resent') : t('relay.dropped')) : t('relay.decided');
    await ctx.answerCallbackQuery({ text: answer });
    if (row) s.log.info({ relay: id, decision: action, by: ctx.from.id }, 'seller decided on an unconfirmed relay');
  });
  return c;
}
