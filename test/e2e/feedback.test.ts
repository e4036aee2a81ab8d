/**
 * Reviews and product questions end to end (issue 12): the real wiring against the fake Telegram and the fake
 * Market (whose goods-feedback and goods-questions endpoints check every request and answer against the spec).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import type { FeedbackDesk } from '../../src/bridge/feedback.js';
import { ADMIN, OUTSIDER, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, liveTopics, syncHarness, type SyncHarnessOptions } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A harness whose reviews and questions are scanned at start and then only when a test asks. */
async function feedbackHarness(o: SyncHarnessOptions = {}): Promise<{ h: Harness; tgChatId: number }> {
  const r = await syncHarness({
    ...o,
    bridge: { ...o.bridge, feedback: { intervalMs: 0, reconcileAfterMs: 500, backoffMs: () => 20, sweepMs: 200, ...o.bridge?.feedback } },
  });
  h = r.h;
  await desk(r.h).idle();
  return r;
}

function desk(x: Harness): FeedbackDesk {
  const d = x.bridge?.feedback;
  if (!d) throw new Error('reviews and questions are not running');
  return d;
}

async function scanNow(x: Harness): Promise<void> {
  await desk(x).scan('test');
  await desk(x).idle();
}

function topic(x: Harness, name: string): number {
  const t = liveTopics(x).find((tp) => tp.name === name);
  if (!t) throw new Error(`no topic ${name}: ${liveTopics(x).map((tp) => tp.name).join(', ')}`);
  return t.message_thread_id;
}

function postWith(x: Harness, needle: string, chatId = GROUP_ID): Message {
  const m = x.tg.botMessages(chatId).find((b) => (b.text ?? '').includes(needle));
  if (!m) throw new Error(`no post with ${needle}:\n${botTexts(x, chatId).join('\n---\n')}`);
  return m;
}

function buttons(m: Message): { text: string; data: string }[] {
  const rows = (m.reply_markup?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][];
  return rows.flat().map((b) => ({ text: b.text, data: b.callback_data ?? '' }));
}

/** The admin replies to a post in its topic (or chat). */
function replyTo(x: Harness, post: Message, text: string, from = ADMIN): Message {
  return x.tg.userSends({
    chatId: post.chat.id,
    from,
    text,
    replyTo: post.message_id,
    ...(post.message_thread_id !== undefined ? { threadId: post.message_thread_id } : {}),
  });
}

describe('reviews', () => {
  it('posts each review that needs a reaction, once, in the ⭐ Reviews topic: stars, product, text, pros and cons, photos, order', async () => {
    let waiting = 0;
    let answered = 0;
    await feedbackHarness({
      before: (x) => {
        waiting = x.market.feedback.addReview({
          rating: 4,
          author: 'Ivan P.',
          offerId: 'KETTLE-01',
          orderId: 5551234,
          comment: 'Boils fast, but the lid is stiff.',
          advantages: 'Fast, quiet',
          disadvantages: 'Stiff lid',
          photos: ['https://avatars.mds.yandex.net/get-ugc/1/photo1.jpg', 'https://avatars.mds.yandex.net/get-ugc/1/photo2.jpg'],
        }).feedbackId;
        // Already reacted to: the first start shows only what needs a reaction now, not the shop's history.
        answered = x.market.feedback.addReview({ rating: 5, comment: 'Old and answered', needReaction: false, agoMs: 30 * 86_400_000 }).feedbackId;
      },
    });
    const thread = topic(h!, '⭐ Reviews');
    const posts = h!.tg.botMessages(GROUP_ID, thread).filter((m) => !m.forum_topic_created);
    expect(posts).toHaveLength(1);
    const text = posts[0]!.text ?? '';
    expect(text.split('\n').slice(0, 4)).toEqual([
      `★★★★☆ 4/5 · Review ${waiting}`,
      'Product: KETTLE-01',
      expect.stringMatching(/^From: Ivan P\. · \d{4}-\d\d-\d\d \d\d:\d\d$/),
      'Order: 5551234',
    ]);
    expect(text).toContain('Boils fast, but the lid is stiff.');
    expect(text).toContain('👍 Pros: Fast, quiet');
    expect(text).toContain('👎 Cons: Stiff lid');
    expect(text).toContain('📷 Photos (2):\nhttps://avatars.mds.yandex.net/get-ugc/1/photo1.jpg\nhttps://avatars.mds.yandex.net/get-ugc/1/photo2.jpg');
    expect(buttons(posts[0]!)).toEqual([{ text: 'Skip', data: `fb:skip:${waiting}` }]);
    expect(botTexts(h!, GROUP_ID).some((t) => t.includes(`Review ${answered}`))).toBe(false);
    // The scan asked Market for what needs a reaction.
    expect(h!.requestsOf('getGoodsFeedbacks')[0]!.body).toEqual({ reactionStatus: 'NEED_REACTION' });

    // Scanning again (and again after a restart) shows nothing twice.
    await scanNow(h!);
    await h!.restart();
    await desk(h!).idle();
    await scanNow(h!);
    expect(h!.tg.botMessages(GROUP_ID).filter((m) => (m.text ?? '').includes(`Review ${waiting}`))).toHaveLength(1);
    // Later scans look back only a little before the last complete one.
    expect(h!.requestsOf('getGoodsFeedbacks').at(-1)!.body).toMatchObject({ reactionStatus: 'NEED_REACTION', dateTimeFrom: expect.any(String) });

    // A review written while the bridge was down is posted after the restart, alone.
    await h!.stop();
    const later = h!.market.feedback.addReview({ rating: 1, comment: 'Broke on day two' }).feedbackId;
    await h!.start();
    await desk(h!).idle();
    expect(h!.tg.botMessages(GROUP_ID, thread).filter((m) => (m.text ?? '').includes('· Review '))).toHaveLength(2);
    expect(postWith(h!, `Review ${later}`).text).toContain('★☆☆☆☆ 1/5');
  });

  it('posts the seller’s reply as the shop’s comment: 👍, the post says answered, and the comment is on Market once', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 3, comment: 'Okay' }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    const reply = replyTo(h!, post, 'Thank you! We will pass it on to the maker.');
    expect(await h!.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thank you! We will pass it on to the maker.']);
    expect(h!.requestsOf('updateGoodsFeedbackComment').map((r) => r.body)).toEqual([
      { feedbackId: id, comment: { text: 'Thank you! We will pass it on to the maker.' } },
    ]);
    expect(h!.market.feedback.review(id)!.needReaction).toBe(false);
    await h!.until(() => (h!.tg.message(GROUP_ID, post.message_id)?.text ?? '').endsWith('→ Answered.'), 3000, 'the post to say answered');
    expect(buttons(h!.tg.message(GROUP_ID, post.message_id)!)).toEqual([]);

    // The same update delivered again (a crash before it was confirmed) posts nothing more.
    h!.redeliver(reply);
    await h!.settled();
    await desk(h!).idle();
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(1);
  });

  it('Skip marks the review as needing no reaction and edits the post; only the team may press it', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 5, comment: 'Great' }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    h!.tg.addMember(GROUP_ID, OUTSIDER);
    h!.tg.userPressesButton({ chatId: GROUP_ID, messageId: post.message_id, from: OUTSIDER, data: `fb:skip:${id}` });
    await h!.settled();
    expect(h!.requestsOf('skipGoodsFeedbacksReaction')).toHaveLength(0);

    h!.tg.userPressesButton({ chatId: GROUP_ID, messageId: post.message_id, from: ADMIN, data: `fb:skip:${id}` });
    await h!.until(() => (h!.tg.message(GROUP_ID, post.message_id)?.text ?? '').includes('→ Skipped'), 3000, 'the post to say skipped');
    expect(h!.requestsOf('skipGoodsFeedbacksReaction').map((r) => r.body)).toEqual([{ feedbackIds: [id] }]);
    expect(h!.market.feedback.review(id)!.needReaction).toBe(false);
    expect(buttons(h!.tg.message(GROUP_ID, post.message_id)!)).toEqual([]);

    // Pressed again (an old copy of the button): nothing more is sent.
    h!.tg.userPressesButton({ chatId: GROUP_ID, messageId: post.message_id, from: ADMIN, data: `fb:skip:${id}`, force: true });
    await h!.settled();
    expect(h!.requestsOf('skipGoodsFeedbacksReaction')).toHaveLength(1);
  });

  it('says in plain words why Market refused a comment (contact details, outside links), and refuses an outsider', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 2, comment: 'Came broken' }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    const phone = replyTo(h!, post, 'Sorry! Call us at +7 495 123-45-67 and we will replace it.');
    const answer = await h!.replyTo(GROUP_ID, phone.message_id);
    expect(answer.text).toContain('❌ Not posted on Market: Market refused this comment.');
    expect(answer.text).toContain('must not contain the shop’s contacts (phone, e-mail, messengers) or links to sites other than Market');
    expect(answer.text).toContain('HTTP 400');

    const link = replyTo(h!, post, 'See https://example.com/warranty for the warranty.');
    expect((await h!.replyTo(GROUP_ID, link.message_id)).text).toContain('Market refused this comment.');
    expect(h!.market.feedback.shopComments(id)).toEqual([]);

    h!.tg.addMember(GROUP_ID, OUTSIDER);
    const outsider = replyTo(h!, post, 'I am not on the team', OUTSIDER);
    expect((await h!.replyTo(GROUP_ID, outsider.message_id)).text).toContain('only the shop’s team may write to buyers');
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(2);
  });

  it('a comment whose answer was lost (stored, then 500) is found among the review’s comments, not posted twice', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 4, comment: 'Fine' }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    h!.market.failNext('updateGoodsFeedbackComment', { kind: 'status', status: 500, afterProcess: true });
    const reply = replyTo(h!, post, 'Thanks for the stars!');
    expect(await h!.reacted(GROUP_ID, reply.message_id, 5000)).toEqual(['👍']);
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(1);
    expect(h!.requestsOf('getGoodsFeedbackComments').some((r) => (r.body as { feedbackId?: number }).feedbackId === id)).toBe(true);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thanks for the stars!']);

    // A 500 before anything was stored: the comments show it did not arrive, so it is sent again, once.
    h!.market.failNext('updateGoodsFeedbackComment', { kind: 'status', status: 500 });
    const second = replyTo(h!, post, 'And come again!');
    expect(await h!.reacted(GROUP_ID, second.message_id, 5000)).toEqual(['👍']);
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(3);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thanks for the stars!', 'And come again!']);
  });

  it('when Market neither confirms a comment nor lets its comments be read, says so instead of sending it again', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 4, comment: 'Nice' }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    h!.market.failNext('updateGoodsFeedbackComment', { kind: 'status', status: 500, afterProcess: true });
    h!.market.failNext('getGoodsFeedbackComments', { kind: 'status', status: 503 }, 3);
    const reply = replyTo(h!, post, 'Thank you for the review!');
    const answer = await h!.replyTo(GROUP_ID, reply.message_id, 5000);
    expect(answer.text).toContain('❓ I can’t tell whether Market took this answer');
    expect(answer.text).toContain('Look in the Market cabinet before replying again');
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(1);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thank you for the review!']);
    expect(h!.tg.reactions(GROUP_ID, reply.message_id)).toEqual([]);
  });

  it('an answer cut off by a restart is checked after it, not sent again', async () => {
    let id = 0;
    await feedbackHarness({ before: (x) => (id = x.market.feedback.addReview({ rating: 5 }).feedbackId) });
    const post = postWith(h!, `Review ${id}`);
    expect(post.text).toContain('(rating only, no text)');
    // Market stores the comment but never answers; the bridge stops while it waits to check.
    h!.market.failNext('updateGoodsFeedbackComment', { kind: 'hang', afterProcess: true });
    const reply = replyTo(h!, post, 'Thank you!');
    await h!.market.waitForRequest((r) => r.operationId === 'updateGoodsFeedbackComment');
    await h!.settled();
    await h!.restart();
    expect(await h!.reacted(GROUP_ID, reply.message_id, 5000)).toEqual(['👍']);
    expect(h!.requestsOf('updateGoodsFeedbackComment')).toHaveLength(1);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thank you!']);
  });

  it('comments a review already had are shown inside its post; a new one found by polling goes under it, once', async () => {
    let id = 0;
    await feedbackHarness({
      before: (x) => {
        id = x.market.feedback.addReview({ rating: 2, comment: 'Too small' }).feedbackId;
        x.market.feedback.addReviewComment(id, { text: 'Also the strap broke.', name: 'Ivan' });
      },
    });
    const post = postWith(h!, `Review ${id}`);
    expect(post.text).toContain('Comments so far (1):\n— Ivan: Also the strap broke.');
    await scanNow(h!);
    expect(botTexts(h!, GROUP_ID).filter((t) => t.includes('Also the strap broke.'))).toHaveLength(1);

    h!.market.feedback.addReviewComment(id, { text: 'Any news?', name: 'Ivan' });
    await scanNow(h!);
    await scanNow(h!);
    const under = h!.tg.botMessages(GROUP_ID).filter((m) => (m.text ?? '').includes('Any news?'));
    expect(under).toHaveLength(1);
    expect(under[0]!.reply_to_message?.message_id).toBe(post.message_id);
  });

  it('while the bot may not post in the group, reviews wait; they are posted once it is back', async () => {
    await feedbackHarness();
    h!.tg.setBotRights(GROUP_ID, { status: 'kicked' });
    await h!.until(() => h!.bridge!.inbound!.presence.ready() === false, 3000, 'the bridge to notice it was removed');
    const id = h!.market.feedback.addReview({ rating: 5, comment: 'While away' }).feedbackId;
    const toGroup = () => h!.tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === GROUP_ID).length;
    const before = toGroup();
    await scanNow(h!);
    expect(toGroup()).toBe(before);
    h!.tg.setBotRights(GROUP_ID, { status: 'administrator', canManageTopics: true });
    await h!.tg.waitForBotMessage((m) => (m.text ?? '').includes(`Review ${id}`), 5000);
  });

  it('a buyer’s new comment appears under the review (on a notification), and a reply to it answers that comment', async () => {
    let id = 0;
    await feedbackHarness({
      env: { MARKET_NOTIFY_PORT: '0' },
      before: (x) => (id = x.market.feedback.addReview({ rating: 3, comment: 'Hmm' }).feedbackId),
    });
    const post = postWith(h!, `Review ${id}`);
    const comment = h!.market.feedback.addReviewComment(id, { text: 'Update: the seller replaced it quickly.', name: 'Ivan' });
    const res = await notify(h!, { notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED', commentId: comment.id, businessId: h!.market.businessId, createdAt: new Date().toISOString() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: expect.any(String), name: expect.any(String), time: expect.any(String) });
    const under = await h!.tg.waitForBotMessage((m) => (m.text ?? '').includes('Update: the seller replaced it quickly.'));
    expect(under.reply_to_message?.message_id).toBe(post.message_id);
    expect(under.text).toContain(`💬 New comment on review ${id} from Ivan`);
    expect(under.message_thread_id).toBe(post.message_thread_id);

    const reply = replyTo(h!, under, 'Glad it worked out!');
    expect(await h!.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h!.requestsOf('updateGoodsFeedbackComment').at(-1)!.body).toEqual({
      feedbackId: id,
      comment: { text: 'Glad it worked out!', parentId: comment.id },
    });
    // The shop's own comment is not posted back as a buyer comment.
    await scanNow(h!);
    expect(botTexts(h!, GROUP_ID).filter((t) => t.includes('Glad it worked out!'))).toHaveLength(0);
  });
});

describe('product questions', () => {
  it('posts a question in the ❓ Questions topic and posts the reply as the shop’s answer, 👍', async () => {
    let qid = 0;
    await feedbackHarness({ before: (x) => (qid = x.market.feedback.addQuestion({ text: 'Does it fit a 1.5 l bottle?', offerId: 'BAG-7', author: 'Olga' }).questionIdentifiers.id) });
    const thread = topic(h!, '❓ Questions');
    const post = postWith(h!, `Question ${qid}`);
    expect(post.message_thread_id).toBe(thread);
    expect(post.text).toContain('Product: BAG-7');
    expect(post.text).toContain('Does it fit a 1.5 l bottle?');
    expect(h!.requestsOf('getGoodsQuestions')[0]!.body).toEqual({ needAnswer: true });

    const reply = replyTo(h!, post, 'Yes, the side pocket holds a 1.5 l bottle.');
    expect(await h!.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h!.market.feedback.answersOf(qid).map((a) => a.text)).toEqual(['Yes, the side pocket holds a 1.5 l bottle.']);
    expect(h!.requestsOf('updateGoodsQuestionTextEntity').map((r) => r.body)).toEqual([
      { operationType: 'CREATE', parentEntityId: { id: qid, type: 'QUESTION' }, text: 'Yes, the side pocket holds a 1.5 l bottle.' },
    ]);
    // Answered: a new scan does not bring it back.
    await scanNow(h!);
    expect(h!.tg.botMessages(GROUP_ID).filter((m) => (m.text ?? '').includes(`Question ${qid}`))).toHaveLength(1);
  });

  it('refuses an answer over the spec’s 5000 characters before sending, and reconciles one whose connection dropped', async () => {
    let qid = 0;
    await feedbackHarness({ before: (x) => (qid = x.market.feedback.addQuestion().questionIdentifiers.id) });
    const post = postWith(h!, `Question ${qid}`);
    const long = replyTo(h!, post, 'a'.repeat(5001));
    expect((await h!.replyTo(GROUP_ID, long.message_id)).text).toBe(
      'Not posted: Market accepts answers of at most 5000 characters and this one has 5001. Shorten it and reply again.',
    );
    expect(h!.requestsOf('updateGoodsQuestionTextEntity')).toHaveLength(0);

    h!.market.failNext('updateGoodsQuestionTextEntity', { kind: 'reset', afterProcess: true });
    const reply = replyTo(h!, post, 'It is waterproof to 30 m.');
    expect(await h!.reacted(GROUP_ID, reply.message_id, 5000)).toEqual(['👍']);
    expect(h!.requestsOf('updateGoodsQuestionTextEntity')).toHaveLength(1);
    expect(h!.requestsOf('getGoodsQuestionAnswers').length).toBeGreaterThan(0);
    expect(h!.market.feedback.answersOf(qid).map((a) => a.text)).toEqual(['It is waterproof to 30 m.']);
  });
});

describe('answered or skipped in the cabinet', () => {
  it('a full scan that no longer lists a posted review or question looks it up by id; settled in the cabinet, it stops waiting', async () => {
    let answered = 0;
    let skipped = 0;
    let still = 0;
    let question = 0;
    await feedbackHarness({
      bridge: { feedback: { fullScanEveryMs: 0, settleAfterMs: 0 } },
      before: (x) => {
        answered = x.market.feedback.addReview({ rating: 2, comment: 'Broke in a week' }).feedbackId;
        skipped = x.market.feedback.addReview({ rating: 5, comment: 'Fine' }).feedbackId;
        still = x.market.feedback.addReview({ rating: 3, comment: 'So-so' }).feedbackId;
        question = x.market.feedback.addQuestion({ text: 'Is there a warranty?' }).questionIdentifiers.id;
      },
    });
    const posts = { answered: postWith(h!, `Review ${answered}`), skipped: postWith(h!, `Review ${skipped}`), question: postWith(h!, `Question ${question}`) };
    const state = (kind: string, id: number) =>
      (h!.bridge!.db.sqlite.prepare('SELECT state FROM feedback_posts WHERE kind = ? AND target_id = ?').get(kind, id) as { state: string }).state;
    expect([state('review', answered), state('review', skipped), state('review', still), state('question', question)]).toEqual(['posted', 'posted', 'posted', 'posted']);

    // The team answers one review and the question in the cabinet, and skips another there.
    h!.market.feedback.addReviewComment(answered, { text: 'We will replace it', authorType: 'BUSINESS' });
    h!.market.feedback.skipInCabinet(skipped);
    h!.market.feedback.answerInCabinet(question, 'Yes, one year.');
    const byId = h!.requestsOf('getGoodsFeedbacks').length;
    await scanNow(h!);

    expect([state('review', answered), state('review', skipped), state('review', still), state('question', question)]).toEqual(['answered', 'answered', 'posted', 'answered']);
    for (const p of Object.values(posts)) {
      const now = h!.tg.message(GROUP_ID, p.message_id)!;
      expect(now.text).toContain('→ Answered or skipped in the Market cabinet');
      expect(buttons(now)).toEqual([]);
    }
    expect(h!.tg.message(GROUP_ID, postWith(h!, `Review ${still}`).message_id)!.text).not.toContain('cabinet');
    // Looked up by id (the lists only say what still waits): one request per kind, only the ones no longer listed.
    const lookups = h!.requestsOf('getGoodsFeedbacks').slice(byId).map((r) => r.body as { feedbackIds?: number[] }).filter((b) => b.feedbackIds);
    expect(lookups.map((b) => [...b.feedbackIds!].sort())).toEqual([[answered, skipped].sort()]);
    expect(h!.requestsOf('getGoodsQuestions').map((r) => r.body)).toContainEqual({ questionIds: [question], needAnswer: true });

    // Nothing comes back or is edited again at the next scan.
    const edits = h!.tg.calls.filter((c) => c.method === 'editMessageText').length;
    await scanNow(h!);
    expect(h!.tg.calls.filter((c) => c.method === 'editMessageText').length).toBe(edits);
    expect(state('review', still)).toBe('posted');
  });
});

describe('notifications and chats without topics', () => {
  it('GOODS_FEEDBACK_CREATED and QUESTION_CREATED bring the item in at once, acknowledged per the notification spec', async () => {
    await feedbackHarness({ env: { MARKET_NOTIFY_PORT: '0' } });
    const review = h!.market.feedback.addReview({ rating: 5, comment: 'Arrived today' });
    const question = h!.market.feedback.addQuestion({ text: 'Is there a warranty?' });
    const biz = h!.market.businessId;
    const now = new Date().toISOString();
    for (const body of [
      { notificationType: 'GOODS_FEEDBACK_CREATED', feedbackId: review.feedbackId, businessId: biz, createdAt: now, publishedAt: now },
      { notificationType: 'QUESTION_CREATED', questionId: question.questionIdentifiers.id, businessId: biz, createdAt: now },
      // Duplicates (Market sends some twice) are answered and cost nothing more.
      { notificationType: 'GOODS_FEEDBACK_CREATED', feedbackId: review.feedbackId, businessId: biz, createdAt: now, publishedAt: now },
    ]) {
      const res = await notify(h!, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
    }
    await h!.tg.waitForBotMessage((m) => (m.text ?? '').includes(`Review ${review.feedbackId}`));
    await h!.tg.waitForBotMessage((m) => (m.text ?? '').includes(`Question ${question.questionIdentifiers.id}`));
    await desk(h!).idle();
    expect(h!.requestsOf('getGoodsFeedbacks').filter((r) => (r.body as { feedbackIds?: number[] }).feedbackIds)).toHaveLength(1);
    expect(h!.requestsOf('getGoodsFeedbacks').find((r) => (r.body as { feedbackIds?: number[] }).feedbackIds)!.body).toEqual({ feedbackIds: [review.feedbackId] });
    expect(h!.requestsOf('getGoodsQuestions').at(-1)!.body).toEqual({ questionIds: [question.questionIdentifiers.id], needAnswer: true });

    // A malformed one is refused with the spec's 400 body.
    const bad = await notify(h!, { notificationType: 'QUESTION_CREATED', businessId: biz, createdAt: now });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: 'WRONG_EVENT_FORMAT' } });
  });

  it('in the owner’s private chat, posts arrive with a header and a reply answers them', async () => {
    let id = 0;
    let qid = 0;
    await feedbackHarness({
      target: 'private',
      before: (x) => {
        id = x.market.feedback.addReview({ rating: 5, comment: 'Love it' }).feedbackId;
        qid = x.market.feedback.addQuestion({ text: 'What colour is it?' }).questionIdentifiers.id;
      },
    });
    expect(h!.tg.calls.some((c) => c.method === 'createForumTopic')).toBe(false);
    const review = postWith(h!, `Review ${id}`, ADMIN.id);
    const question = postWith(h!, `Question ${qid}`, ADMIN.id);
    expect(review.text!.split('\n')[0]).toBe('⭐ Reviews');
    expect(question.text!.split('\n')[0]).toBe('❓ Questions');
    const r1 = replyTo(h!, review, 'Thank you!');
    const r2 = replyTo(h!, question, 'Dark blue.');
    expect(await h!.reacted(ADMIN.id, r1.message_id)).toEqual(['👍']);
    expect(await h!.reacted(ADMIN.id, r2.message_id)).toEqual(['👍']);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thank you!']);
    expect(h!.market.feedback.answersOf(qid).map((a) => a.text)).toEqual(['Dark blue.']);
  });

  it('in a group without topics, posts arrive with a header and a reply answers them', async () => {
    let id = 0;
    await feedbackHarness({ target: 'group', before: (x) => (id = x.market.feedback.addReview({ rating: 4, comment: 'Good' }).feedbackId) });
    const review = postWith(h!, `Review ${id}`);
    expect(review.text!.split('\n')[0]).toBe('⭐ Reviews');
    expect(review.message_thread_id).toBeUndefined();
    const reply = replyTo(h!, review, 'Thanks a lot!');
    expect(await h!.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h!.market.feedback.shopComments(id)).toEqual(['Thanks a lot!']);
  });
});

describe('polling', () => {
  it('polls every FEEDBACK_POLL_INTERVAL_SECONDS (here lowered), and 0 turns reviews and questions off', async () => {
    await feedbackHarness({ bridge: { feedback: { intervalMs: 200 } } });
    const id = h!.market.feedback.addReview({ rating: 5, comment: 'Polled in' }).feedbackId;
    await h!.tg.waitForBotMessage((m) => (m.text ?? '').includes(`Review ${id}`), 5000);
    await h!.close();

    ({ h } = await syncHarness({ env: { FEEDBACK_POLL_INTERVAL_SECONDS: '0' }, before: (x) => void x.market.feedback.addReview() }));
    await h.tg.waitForCall('getUpdates');
    expect(h.bridge!.feedback).toBeUndefined();
    expect(h.requestsOf('getGoodsFeedbacks')).toHaveLength(0);
    expect(h.requestsOf('getGoodsQuestions')).toHaveLength(0);
  });
});

function notify(x: Harness, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${x.bridge!.ports.notify!}/notification`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
