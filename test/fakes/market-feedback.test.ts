/**
 * Self-test of the fake Market's reviews and questions (market-feedback.ts): answers valid under the spec, Market's
 * documented refusals and filters, and pages that promise no order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMarket } from './market.js';
import { MarketSpec } from './market-spec.js';

const spec = MarketSpec.load();
let market: FakeMarket;

beforeEach(async () => {
  market = await FakeMarket.start();
});
afterEach(async () => {
  await market.stop();
});

async function post(path: string, json: unknown, query: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(path, market.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { method: 'POST', headers: { 'Api-Key': market.apiKey, 'Content-Type': 'application/json' }, body: JSON.stringify(json) });
  const body = (await res.json()) as unknown;
  const op = spec.match('POST', url.pathname).op!;
  expect(spec.responseErrors(op.operationId, res.status, body), `${op.operationId} ${res.status}`).toEqual([]);
  return { status: res.status, body };
}

const FB = '/v2/businesses/777/goods-feedback';
const QS = '/v1/businesses/777/goods-questions';

describe('fake Market: reviews', () => {
  it('lists only what needs a reaction, in pages that together hold each review once', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => market.feedback.addReview({ rating: (i % 5) + 1, agoMs: (i + 1) * 60_000 }).feedbackId);
    market.feedback.addReview({ needReaction: false });
    const seen: number[] = [];
    let token: string | undefined;
    let firstPage: number[] | undefined;
    do {
      const r = await post(FB, { reactionStatus: 'NEED_REACTION' }, { limit: '3', ...(token ? { pageToken: token } : {}) });
      expect(r.status).toBe(200);
      const page = (r.body.result.feedbacks as { feedbackId: number }[]).map((f) => f.feedbackId);
      firstPage ??= page;
      seen.push(...page);
      token = r.body.result.paging?.nextPageToken;
    } while (token);
    expect([...seen].sort()).toEqual([...ids].sort());
    // Not in publication order within a page: a client must not rely on it.
    expect(firstPage).toEqual([ids[2], ids[1], ids[0]]);
    expect(market.violations).toEqual([]);
  });

  it('refuses feedbackIds combined with other filters, and a window longer than 6 months', async () => {
    const id = market.feedback.addReview().feedbackId;
    expect((await post(FB, { feedbackIds: [id], reactionStatus: 'NEED_REACTION' })).status).toBe(400);
    expect((await post(FB, { dateTimeFrom: '2025-01-01T00:00:00Z', dateTimeTo: '2025-09-01T00:00:00Z' })).status).toBe(400);
    expect((await post(FB, { feedbackIds: [id] })).body.result.feedbacks).toHaveLength(1);
  });

  it('stores the shop’s comment (the review then needs no reaction), and refuses contacts and outside links', async () => {
    const id = market.feedback.addReview().feedbackId;
    for (const text of ['Call +7 (495) 123-45-67', 'Write to shop@example.com', 'See https://example.com', 'Our telegram: t.me/shop']) {
      const r = await post(`${FB}/comments/update`, { feedbackId: id, comment: { text } });
      expect(r.status, text).toBe(400);
    }
    const ok = await post(`${FB}/comments/update`, { feedbackId: id, comment: { text: 'Thank you! Our page: https://market.yandex.ru/business--shop/1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toMatchObject({ feedbackId: id, author: { type: 'BUSINESS' }, status: 'PUBLISHED' });
    expect(market.feedback.review(id)!.needReaction).toBe(false);
    const comments = await post(`${FB}/comments`, { feedbackId: id });
    expect(comments.body.result.comments.map((c: { text: string }) => c.text)).toEqual(['Thank you! Our page: https://market.yandex.ru/business--shop/1']);
    expect((await post(`${FB}/comments`, { feedbackId: id, commentIds: [1] })).status).toBe(400);
    expect((await post(`${FB}/comments/update`, { feedbackId: 1, comment: { text: 'x' } })).status).toBe(404);
  });

  it('skipping sets needReaction to false', async () => {
    const id = market.feedback.addReview().feedbackId;
    expect((await post(`${FB}/skip-reaction`, { feedbackIds: [id] })).status).toBe(200);
    expect(market.feedback.review(id)!.needReaction).toBe(false);
    expect((await post(FB, { reactionStatus: 'NEED_REACTION' })).body.result.feedbacks).toEqual([]);
  });
});

describe('fake Market: questions', () => {
  it('lists questions waiting for an answer; answering one takes it off the list', async () => {
    const q = market.feedback.addQuestion({ text: 'Is it heavy?' }).questionIdentifiers.id;
    const list = await post(QS, { needAnswer: true });
    expect(list.body.result).toMatchObject({ totalCount: 1, questions: [{ questionIdentifiers: { id: q }, text: 'Is it heavy?' }] });
    const created = await post(`${QS}/update`, { operationType: 'CREATE', parentEntityId: { id: q, type: 'QUESTION' }, text: '1.2 kg.' });
    expect(created.body.result).toEqual({ entity: { id: expect.any(Number), type: 'ANSWER' } });
    expect((await post(QS, { needAnswer: true })).body.result.questions).toEqual([]);
    const answers = await post(`${QS}/answers`, { questionId: q });
    expect(answers.body.result.answers).toMatchObject([{ text: '1.2 kg.', author: { type: 'BUSINESS' }, questionId: q }]);
    // The spec's bound on the text (1..5000) is enforced by the request validator.
    expect((await post(`${QS}/update`, { operationType: 'CREATE', parentEntityId: { id: q, type: 'QUESTION' }, text: 'a'.repeat(5001) })).status).toBe(400);
    expect(market.violations.map((v) => v.operationId)).toEqual(['updateGoodsQuestionTextEntity']);
  });
});
