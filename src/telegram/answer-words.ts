/** The words /stats and the daily digest show, built from the figures (every sentence through t()). */
import type { AnswerStats } from '../bridge/answer-stats.js';
import type { ChartLabels } from '../charts/answer-chart.js';
import type { WaitingChatRow } from '../db/answer-times.js';
import { t } from '../texts.js';

/** "45 s", "12 min", "1 h 5 min", "2 d 3 h". */
export function waitWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return t('stats.duration.seconds', { s });
  const m = Math.round(s / 60);
  if (m < 60) return t('stats.duration.minutes', { m });
  if (m < 24 * 60) return t('stats.duration.hours', { h: Math.floor(m / 60), m: m % 60 });
  const h = Math.round(m / 60);
  return t('stats.duration.days', { d: Math.floor(h / 24), h: h % 24 });
}

/** The reply-time line: median and 90th percentile, or that nothing was answered. */
export function timesLine(stats: AnswerStats): string {
  const { medianMs, p90Ms } = stats.total;
  return medianMs === null || p90Ms === null
    ? t('stats.noAnswers')
    : t('stats.times', { median: waitWords(medianMs), p90: waitWords(p90Ms) });
}

/** The two lines under the /stats chart. */
export function statsCaption(stats: AnswerStats, days: number): string {
  const { conversations, answered } = stats.total;
  return [t('stats.summary', { days, conversations, answered }), timesLine(stats)].join('\n');
}

export function chartLabels(days: number): ChartLabels {
  return {
    title: t('stats.chart.title', { days }),
    conversations: t('stats.chart.conversations'),
    median: t('stats.chart.median'),
    p90: t('stats.chart.p90'),
    minutes: t('stats.chart.minutes'),
  };
}

/** "Order 123 · Ivan", "Dispute · Return 45 · Ivan": a waiting chat in the seller's terms. */
export function waitingAbout(c: WaitingChatRow): string {
  const buyer = c.customerName ?? t('digest.buyer');
  const about =
    c.contextType === 'ORDER' && c.orderId !== null
      ? t('digest.about.order', { orderId: c.orderId, buyer })
      : c.contextType === 'RETURN' && (c.returnId ?? c.orderId) !== null
        ? t('digest.about.return', { returnId: (c.returnId ?? c.orderId)!, buyer })
        : c.contextType === 'DIRECT'
          ? t('digest.about.question', { buyer })
          : t('digest.about.chat', { chatId: c.marketChatId, buyer });
  return c.type === 'ARBITRAGE' ? t('digest.about.dispute', { about }) : about;
}

/** The daily digest: yesterday's figures, then the chats still waiting (at most `shown` of them named). */
export function digestText(p: {
  day: string;
  stats: AnswerStats;
  waiting: { chats: WaitingChatRow[]; count: number };
  now: number;
}): string {
  const { conversations, answered } = p.stats.total;
  const lines = [t('digest.title', { day: p.day }), t('digest.summary', { conversations, answered }), timesLine(p.stats), ''];
  if (p.waiting.count === 0) lines.push(t('digest.noneWaiting'));
  else {
    lines.push(t('digest.waiting', { count: p.waiting.count }));
    for (const c of p.waiting.chats) {
      const waited = c.waitingSince === null ? t('digest.openDispute') : waitWords(p.now - c.waitingSince);
      lines.push(t('digest.waitLine', { about: waitingAbout(c), waited }));
    }
    if (p.waiting.count > p.waiting.chats.length) lines.push(t('digest.more', { count: p.waiting.count - p.waiting.chats.length }));
  }
  return lines.join('\n');
}
