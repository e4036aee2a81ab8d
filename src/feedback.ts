/**
 * The wiring of reviews and product questions (issue 12) for one shop, kept out of app.ts like inbound.ts: the Market
 * side through the shop's client (reads at `sync` priority, the seller's answers at `relay`), the Telegram side
 * behind the inbound outbox, and the FeedbackDesk between them. Off (undefined) with FEEDBACK_POLL_INTERVAL_SECONDS=0;
 * while the shop has no place in Telegram (TELEGRAM_CHAT_ID, /setup), `ready` is false and nothing is posted.
 */
import type { Api } from 'grammy';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';
import type { MarketClient } from './market/client.js';
import { FeedbackDesk, type FeedbackOptions } from './bridge/feedback.js';
import { TelegramFeedback } from './telegram/feedback-posts.js';
import type { TelegramOutbox } from './telegram/outbox.js';

export function createFeedback(deps: {
  config: Config;
  db: Db;
  log: Logger;
  api: Api;
  /** The shop's client: its business id is the desk's. */
  market: MarketClient;
  businessId: number;
  outbox: TelegramOutbox;
  /** Whether the bot may post there now (the inbound presence watch). */
  ready?(): boolean;
  /** Where posts go now (TELEGRAM_CHAT_ID followed through upgrades). */
  tgChatId(): number;
  options?: Partial<FeedbackOptions>;
  marketTimeoutMs: number;
}): FeedbackDesk | undefined {
  const { config, db, log, api, market, businessId, outbox } = deps;
  if (config.feedbackPollMs === 0) {
    log.info('FEEDBACK_POLL_INTERVAL_SECONDS=0: reviews and product questions are not brought into Telegram');
    return undefined;
  }
  const target = new TelegramFeedback({ api, db, log, businessId, tgChatId: deps.tgChatId, outbox, ready: deps.ready });
  return new FeedbackDesk({
    db,
    businessId,
    log: log.child({ component: 'feedback', businessId }),
    target,
    // An unanswered attempt is checked only once Market can no longer be working on it.
    options: { intervalMs: config.feedbackPollMs, reconcileAfterMs: deps.marketTimeoutMs + 10_000, ...deps.options },
    market: {
      listReviews: (body, pageToken) => market.getGoodsFeedbacks(body, { limit: 50, ...(pageToken ? { pageToken } : {}) }, 'sync'),
      reviewComments: (body, pageToken, priority) =>
        market.getGoodsFeedbackComments(body, { limit: 50, ...(pageToken ? { pageToken } : {}) }, priority),
      commentReview: (body) => market.updateGoodsFeedbackComment(body),
      skipReviews: (feedbackIds) => market.skipGoodsFeedbacksReaction({ feedbackIds }),
      listQuestions: (body, pageToken) => market.getGoodsQuestions(body, { limit: 50, ...(pageToken ? { pageToken } : {}) }, 'sync'),
      questionAnswers: (body, pageToken, priority) =>
        market.getGoodsQuestionAnswers(body, { limit: 50, ...(pageToken ? { pageToken } : {}) }, priority),
      answerQuestion: (questionId, text) =>
        market.updateGoodsQuestionTextEntity({ operationType: 'CREATE', parentEntityId: { id: questionId, type: 'QUESTION' }, text }),
    },
  });
}
