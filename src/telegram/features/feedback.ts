/**
 * Answering reviews and product questions from Telegram: a reply to one of the bot's review, comment or question
 * posts is recorded and posted on Market by the shop's FeedbackDesk (bridge/feedback.ts); the Skip button on a review
 * marks it as needing no reaction. Everything else passes on to the next feature (the chat relay).
 */
import { Composer, type Context } from 'grammy';
import { postOfMessage } from '../../db/feedback.js';
import { checkAnswer } from '../../bridge/feedback.js';
import { isInternalNote } from '../../bridge/text-rules.js';
import type { MarketErrorKind } from '../../market/errors.js';
import { reason, t } from '../../texts.js';
import { SKIP_PREFIX } from '../feedback-posts.js';
import { explicitReplyTo, isCommand, topicOf } from '../messages.js';
import type { Services } from '../services.js';
import { sentAsChat } from './relay.js';

/** What went wrong, in the seller's words (the relay's words, except where reviews and questions differ). */
function whyWords(kind: MarketErrorKind): string {
  if (kind === 'forbidden') return reason('feedback.why.forbidden')[0];
  if (kind === 'not_found') return reason('feedback.why.not_found')[0];
  return reason(kind)[0];
}

export function feedback(s: Services): Composer<Context> {
  const c = new Composer<Context>();

  c.on('message', async (ctx, next) => {
    const m = ctx.message;
    const replied = explicitReplyTo(m);
    const post = replied && !isCommand(m) ? postOfMessage(s.db, m.chat.id, replied.message_id) : undefined;
    const desk = post ? s.feedback?.(post.businessId) : undefined;
    if (!post || !desk) return next();
    const reply = (text: string) => ctx.reply(text, { reply_parameters: { message_id: m.message_id } });
    const userId = ctx.from?.id;
    if (sentAsChat(m)) return void (await reply(t('auth.anonymous')));
    if (userId === undefined || !s.isTeam(userId)) {
      s.log.info({ tgChatId: m.chat.id, userId }, 'answer not posted: sender is not on the team list');
      return void (await reply(t('auth.notRelayed', { userId: userId ?? 0 })));
    }
    const text = m.text;
    if (text !== undefined && isInternalNote(text)) return;
    // A comment's post is answered as a reply to that comment, on its review.
    const kind = post.kind === 'question' ? 'question' : 'review';
    const base = {
      kind,
      targetId: post.kind === 'comment' ? (post.parentId ?? 0) : post.targetId,
      parentCommentId: post.kind === 'comment' ? post.targetId : null,
      tgChatId: m.chat.id,
      tgMessageId: m.message_id,
      tgThreadId: topicOf(m),
      tgUserId: userId,
    } as const;
    const leaks = text !== undefined && s.secrets.some((secret) => text.includes(secret));
    const verdict = text === undefined ? undefined : checkAnswer(kind, text);
    const refusal =
      text === undefined
        ? { code: 'UNSUPPORTED', words: t('feedback.notText') }
        : leaks
          ? { code: 'SECRET', words: t('relay.secret') }
          : verdict?.reason === 'empty'
            ? { code: 'EMPTY', words: t('feedback.empty') }
            : verdict?.reason === 'too_long'
              ? { code: 'TOO_LONG', words: t('feedback.tooLong', { length: verdict.length, max: verdict.max }) }
              : undefined;
    if (refusal) {
      if (desk.answerOfMessage(m.chat.id, m.message_id)) return; // a redelivered update: answered before
      await reply(refusal.words);
      desk.recordRefusal({ ...base, text: leaks ? '[withheld: contained a secret]' : (text ?? '').slice(0, 200) }, refusal.code, refusal.words);
      return;
    }
    const row = desk.answer({ ...base, text: text! });
    if (!row) s.log.info({ tgChatId: m.chat.id, tgMessageId: m.message_id }, 'duplicate update: answer already recorded');
  });

  c.callbackQuery(new RegExp(`^${SKIP_PREFIX}(\\d+)$`), async (ctx) => {
    if (!s.isTeam(ctx.from.id)) return void (await ctx.answerCallbackQuery({ text: t('auth.refused'), show_alert: true }));
    const feedbackId = Number(ctx.match[1]);
    const msg = ctx.callbackQuery.message;
    const post = msg ? postOfMessage(s.db, msg.chat.id, msg.message_id) : undefined;
    // The button must sit on the post of that very review (a forged press on another message does nothing).
    const desk = post && post.kind === 'review' && post.targetId === feedbackId ? s.feedback?.(post.businessId) : undefined;
    if (!desk) return void (await ctx.answerCallbackQuery({ text: t('feedback.skip.already') }));
    const r = await desk.skip(feedbackId);
    const text = r.ok
      ? t('feedback.skip.done')
      : 'already' in r
        ? t('feedback.skip.already')
        : t('feedback.skip.failed', { what: whyWords(r.error.kind) });
    if (r.ok) s.log.info({ feedbackId, by: ctx.from.id }, 'review skipped from Telegram');
    await ctx.answerCallbackQuery({ text });
  });
  return c;
}
