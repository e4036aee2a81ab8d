/** /stats [days]: a chart and two lines on how fast the shop answered buyers (team only). */
import { Composer, InputFile, type Context } from 'grammy';
import { renderAnswerChart } from '../../charts/answer-chart.js';
import { t } from '../../texts.js';
import { chartLabels, statsCaption } from '../answer-words.js';
import type { Services } from '../services.js';

export const DEFAULT_STATS_DAYS = 7;
export const MAX_STATS_DAYS = 90;

export function stats(s: Services): Composer<Context> {
  const c = new Composer<Context>();
  c.command('stats', async (ctx) => {
    // An answer to the command itself, so in a busy group it is clear whose /stats it is.
    const answer = { reply_parameters: { message_id: ctx.msg!.message_id, allow_sending_without_reply: true } };
    if (!s.isTeam(ctx.from?.id)) return void (await ctx.reply(t('auth.refused'), answer));
    const arg = ctx.match.trim();
    const days = arg === '' ? DEFAULT_STATS_DAYS : /^[0-9]{1,3}$/.test(arg) ? Number(arg) : NaN;
    if (!(days >= 1 && days <= MAX_STATS_DAYS)) return void (await ctx.reply(t('stats.usage'), answer));
    // One chart per shop this chat shows; with several, each caption starts with the shop's name.
    const here = s.shopsIn(ctx.chat.id);
    for (const shop of here) {
      const report = s.answersFor?.(shop.businessId);
      if (!report) continue;
      const figures = report.lastDays(days);
      const png = await renderAnswerChart(figures, chartLabels(days));
      const caption = statsCaption(figures, days);
      await ctx.replyWithPhoto(new InputFile(png, 'stats.png'), { caption: here.length > 1 ? `🏪 ${shop.name}\n${caption}` : caption, ...answer });
    }
  });
  return c;
}
