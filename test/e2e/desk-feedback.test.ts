/**
 * Reviews and product questions on the team's desk (issue 12's last item), end to end against the fake Market's
 * goods-feedback and goods-questions endpoints: /chats lists them beside the chats, oldest wait first, with their
 * kind, product, wait and a link to their post; they leave it when answered or skipped, and a buyer's new comment on
 * an answered review brings it back; a reminder is posted under the post once per wait; the digest counts them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import type { FeedbackDesk } from '../../src/bridge/feedback.js';
import { withLanguage } from '../../src/texts.js';
import { ADMIN, cmd0, TEAMMATE, tick, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, liveTopics, syncHarness, syncNow, type SyncHarnessOptions } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;

/** Reviews and questions scanned at start and then only when a test asks. */
async function deskHarness(o: SyncHarnessOptions = {}): Promise<Harness> {
  const r = await syncHarness({
    ...o,
    bridge: { ...o.bridge, feedback: { intervalMs: 0, reconcileAfterMs: 500, backoffMs: () => 20, sweepMs: 200, ...o.bridge?.feedback } },
  });
  h = r.h;
  await feedbackDesk(r.h).idle();
  return r.h;
}

/**
 * Waits until `n` items are posted. Under load the start's scan may fail (a Market read timing out) and these tests
 * poll only when asked, so it is asked again (scanning twice shows nothing twice).
 */
async function posted(x: Harness, n: number): Promise<void> {
  const count = () => x.rows<{ n: number }>("SELECT count(*) AS n FROM feedback_posts WHERE state = 'posted'")[0]!.n;
  for (let i = 0; i < 20 && count() < n; i++) {
    await feedbackDesk(x).scan('test');
    await feedbackDesk(x).idle();
    if (count() < n) await tick(100);
  }
  expect(count()).toBeGreaterThanOrEqual(n);
}

function feedbackDesk(x: Harness): FeedbackDesk {
  const d = x.bridge?.feedback;
  if (!d) throw new Error('reviews and questions are not running');
  return d;
}

async function command(x: Harness, text: string, chatId = GROUP_ID, from = ADMIN): Promise<Message> {
  const cmd = x.tg.userSends({ chatId, from, text, entities: [cmd0(text.split(' ')[0]!)] });
  return x.answerAfter(chatId, cmd.message_id);
}

const urls = (x: Harness, m: Message, chatId = GROUP_ID) =>
  ((x.tg.message(chatId, m.message_id)?.reply_markup?.inline_keyboard.flat() ?? []) as Array<{ text: string; url?: string }>).filter((b) => b.url);

function postWith(x: Harness, needle: string, chatId = GROUP_ID): Message {
  const m = x.tg.botMessages(chatId).find((b) => (b.text ?? '').includes(needle));
  if (!m) throw new Error(`no post with ${needle}:\n${botTexts(x, chatId).join('\n---\n')}`);
  return m;
}

function replyTo(x: Harness, post: Message, text: string): Message {
  return x.tg.userSends({
    chatId: post.chat.id,
    from: ADMIN,
    text,
    replyTo: post.message_id,
    ...(post.message_thread_id !== undefined ? { threadId: post.message_thread_id } : {}),
  });
}

function notify(x: Harness, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${x.bridge!.ports.notify!}/notification`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('/chats with reviews and questions', () => {
  it('lists a waiting review and question with the chats, oldest first, with kind, product, wait and a link; answered or skipped ones leave', async () => {
    let review = 0;
    let other = 0;
    let question = 0;
    const x = await deskHarness({
      env: { MARKET_NOTIFY_PORT: '0' },
      before: (m) => {
        review = m.market.feedback.addReview({ rating: 4, offerId: 'KETTLE-01', comment: 'Lid is stiff', agoMs: 3 * HOUR + 5 * 60_000 }).feedbackId;
        question = m.market.feedback.addQuestion({ text: 'Is it heavy?', offerId: 'BAG-7', agoMs: 2 * HOUR }).questionIdentifiers.id;
        other = m.market.feedback.addReview({ rating: 2, offerId: 'MUG-3', comment: 'Chipped', agoMs: 30 * 60_000 }).feedbackId;
        // Already reacted to: never posted, never waits.
        m.market.feedback.addReview({ rating: 5, needReaction: false, agoMs: 5 * HOUR });
      },
    });
    await posted(x, 3);
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Where is my order?' });
    await syncNow(x, chat.chatId);

    const asked = x.market.requests.length;
    const list = await command(x, '/chats');
    const lines = list.text!.split('\n');
    expect(lines[0]).toBe('⏳ Waiting for the shop: 1 chat, 2 reviews, 1 question');
    expect(lines.slice(2)).toEqual([
      `1. ⭐ Review ${review} · ★★★★☆ 4/5 · KETTLE-01 — 3 h 5 min`,
      `2. ❓ Question ${question} · BAG-7 — 2 h 0 min`,
      `3. ⭐ Review ${other} · ★★☆☆☆ 2/5 · MUG-3 — 30 min`,
      expect.stringMatching(new RegExp(`^4\\. Order ${chat.context.orderId} · Ivan — \\d+ min$`)),
    ]);
    const reviewPost = postWith(x, `Review ${review}`);
    const questionPost = postWith(x, `Question ${question}`);
    const otherPost = postWith(x, `Review ${other}`);
    const topic = liveTopics(x).find((t) => t.name.includes('Ivan'))!.message_thread_id;
    expect(urls(x, list)).toEqual([
      { text: '1 ↗', url: `https://t.me/c/1234567890/${reviewPost.message_id}` },
      { text: '2 ↗', url: `https://t.me/c/1234567890/${questionPost.message_id}` },
      { text: '3 ↗', url: `https://t.me/c/1234567890/${otherPost.message_id}` },
      { text: '4 ↗', url: `https://t.me/c/1234567890/${topic}` },
    ]);
    // Computed from what is stored: no Market call.
    expect(x.market.requests.length).toBe(asked);

    // The question is answered from Telegram, the first review skipped: both leave the list.
    const answer = replyTo(x, questionPost, 'About 800 g.');
    expect(await x.reacted(GROUP_ID, answer.message_id)).toEqual(['👍']);
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: reviewPost.message_id, from: ADMIN, data: `fb:skip:${review}` });
    await x.until(() => (x.tg.message(GROUP_ID, reviewPost.message_id)?.text ?? '').includes('→ Skipped'), 3000, 'the skip');
    const after = await command(x, '/waiting');
    expect(after.text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat, 1 review');
    expect(after.text).not.toContain(`Review ${review}`);
    expect(after.text).not.toContain(`Question ${question}`);
    expect(after.text).toContain(`1. ⭐ Review ${other}`);

    // The other review is answered: it leaves; the buyer's new comment on it brings it back, linked to the comment.
    const thanks = replyTo(x, otherPost, 'Sorry! We send a new one today.');
    expect(await x.reacted(GROUP_ID, thanks.message_id)).toEqual(['👍']);
    expect((await command(x, '/chats')).text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat');
    const comment = x.market.feedback.addReviewComment(other, { text: 'And the old one?', name: 'Petr' });
    await notify(x, { notificationType: 'GOODS_FEEDBACK_COMMENT_CREATED', commentId: comment.id, businessId: x.market.businessId, createdAt: new Date().toISOString() });
    const under = await x.tg.waitForBotMessage((m) => (m.text ?? '').includes('And the old one?'));
    const again = await command(x, '/chats');
    expect(again.text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat, 1 review');
    expect(again.text).toMatch(new RegExp(`\\n2\\. ⭐ Review ${other} · ★★☆☆☆ 2/5 · MUG-3 · 💬 new comment — \\d+ min`));
    expect(urls(x, again)[1]).toEqual({ text: '2 ↗', url: `https://t.me/c/1234567890/${under.message_id}` });
    // Answering the comment ends that wait.
    const reply = replyTo(x, under, 'Keep it, no need to send it back.');
    expect(await x.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect((await command(x, '/chats')).text!.split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat');

    // Everything answered: the list is empty.
    const chatReply = x.says(GROUP_ID, topic, 'It ships today.');
    expect(await x.reacted(GROUP_ID, chatReply.message_id)).toEqual(['👍']);
    expect((await command(x, '/chats')).text).toBe('✅ No buyer is waiting for the shop.');
  });

  it('in the owner’s private chat: no links, the line says which message to reply to; in Russian and Chinese too', async () => {
    let review = 0;
    const x = await deskHarness({
      target: 'private',
      before: (m) => (review = m.market.feedback.addReview({ rating: 5, offerId: 'SKU-9', agoMs: 10 * 60_000 }).feedbackId),
    });
    await posted(x, 1);
    const list = await command(x, '/chats', ADMIN.id);
    expect(list.text!.split('\n')).toEqual([
      '⏳ Waiting for the shop: 1 review',
      '',
      `1. ⭐ Review ${review} · ★★★★★ 5/5 · SKU-9 — 10 min`,
      `   no link here: reply to my message about review ${review}`,
    ]);
    expect(urls(x, list, ADMIN.id)).toEqual([]);
    const { waitingListPage } = await import('../../src/telegram/features/desk.js');
    const services = { db: x.bridge!.db.db, shopsIn: () => [{ businessId: x.market.businessId, name: 'Shop' }] };
    const ru = withLanguage('ru', () => waitingListPage(services, ADMIN.id, 0, Date.now()).text);
    expect(ru.split('\n')[0]).toBe('⏳ Ждут ответа магазина: 1 отзыв');
    expect(ru).toContain(`1. ⭐ Отзыв ${review} · ★★★★★ 5/5 · SKU-9 — 10 мин`);
    expect(ru).toContain(`ответьте на моё сообщение об отзыве ${review}`);
    const zh = withLanguage('zh', () => waitingListPage(services, ADMIN.id, 0, Date.now()).text);
    expect(zh.split('\n')[0]).toBe('⏳ 等待店铺回复：1 条评价');
    expect(zh).toContain(`1. ⭐ 评价 ${review} · ★★★★★ 5/5 · SKU-9 — 10 分钟`);
  });
});

describe('reminders of a waiting review or question', () => {
  const reminders = (x: Harness) => x.tg.botMessages(GROUP_ID).filter((m) => m.text?.startsWith('⏰ '));

  it('replies once to each post after the threshold, mentioning the team; not again, nor after a restart; an answer ends the wait', async () => {
    let review = 0;
    let question = 0;
    const x = await deskHarness({
      env: { REMIND_AFTER_MINUTES: '0.01' }, // 0.6 s
      bridge: { inbound: { reminders: { checkMs: 100, repeatMs: 300 } } },
      before: (m) => {
        review = m.market.feedback.addReview({ rating: 3, offerId: 'KETTLE-01', agoMs: 2 * HOUR }).feedbackId;
        question = m.market.feedback.addQuestion({ text: 'Is it heavy?' }).questionIdentifiers.id;
      },
    });
    await posted(x, 2);
    // Boris writes in the group: he is on the team and is mentioned.
    x.says(GROUP_ID, undefined, '//morning, team', TEAMMATE);
    const reviewPost = postWith(x, `Review ${review}`);
    const questionPost = postWith(x, `Question ${question}`);

    await x.until(() => reminders(x).length === 2, 5000, 'two reminders');
    const [a, b] = [reviewPost, questionPost].map((p) => reminders(x).find((m) => m.reply_to_message?.message_id === p.message_id)!);
    expect(a!.text).toBe('⏰ This review has been waiting 2 h 0 min for a reply.\nBoris');
    expect(a!.message_thread_id).toBe(reviewPost.message_thread_id);
    expect(a!.entities).toEqual([{ type: 'text_mention', offset: a!.text!.length - 5, length: 5, user: expect.objectContaining({ id: TEAMMATE.id }) }]);
    expect(b!.text).toBe('⏰ This question has been waiting 1 min for a reply.\nBoris');
    expect(b!.message_thread_id).toBe(questionPost.message_thread_id);
    // Once per wait (the repeat interval of chats does not apply), also after a restart.
    await tick(800);
    expect(reminders(x)).toHaveLength(2);
    await x.restart();
    await tick(500);
    expect(reminders(x)).toHaveLength(2);

    // The question is answered: its wait is over and forgotten; the review's is still remembered.
    const answer = replyTo(x, questionPost, 'About 800 g.');
    expect(await x.reacted(GROUP_ID, answer.message_id)).toEqual(['👍']);
    const reminded = () =>
      Object.keys(JSON.parse(x.rows<{ value: string }>("SELECT value FROM kv WHERE key LIKE 'desk.feedbackReminded.%'")[0]?.value ?? '{}'));
    await x.until(() => reminded().length === 1, 5000, 'the answered question to be forgotten');
    expect(reminded()).toEqual([`review:${review}`]);
    await tick(300);
    expect(reminders(x)).toHaveLength(2);
  });
});

describe('the daily digest', () => {
  it('counts the reviews and questions that wait, named apart from the chats, and lists them', async () => {
    let review = 0;
    let question = 0;
    // 00:00 has always passed today: the digest is due as soon as the bridge runs.
    const x = await deskHarness({
      target: 'private',
      env: { DIGEST_AT: '00:00' },
      bridge: { digest: { tickMs: 50 } },
      before: (m) => {
        review = m.market.feedback.addReview({ rating: 4, offerId: 'KETTLE-01', agoMs: 2 * HOUR }).feedbackId;
        question = m.market.feedback.addQuestion({ text: 'Is it heavy?', offerId: 'BAG-7', agoMs: HOUR }).questionIdentifiers.id;
        m.market.feedback.addQuestion({ text: 'What colour?', offerId: 'BAG-7', agoMs: 30 * 60_000 });
      },
    });
    await posted(x, 3);
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Where is my order?' });
    await syncNow(x, chat.chatId);
    // Today's digest may have gone out before the reviews were in: the next day's is the one looked at.
    await x.restart({ digest: { tickMs: 50, now: () => Date.now() + 86_400_000 } });
    const digest = await x.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && (m.text ?? '').startsWith('Summary for ') && (m.text ?? '').includes('review'));
    const lines = digest.text!.split('\n');
    expect(lines[4]).toBe('Still waiting for a reply: 1 chat, 1 review, 2 questions');
    expect(lines[5]).toMatch(new RegExp(`^• Order ${chat.context.orderId} · Ivan — 1 d 0 h$`));
    expect(lines.slice(6)).toEqual([
      `• ⭐ Review ${review} · 4/5 · KETTLE-01 — 1 d 2 h`,
      `• ❓ Question ${question} · BAG-7 — 1 d 1 h`,
      expect.stringMatching(/^• ❓ Question \d+ · BAG-7 — 1 d (0|1) h$/),
    ]);
  }, 60_000);
});
