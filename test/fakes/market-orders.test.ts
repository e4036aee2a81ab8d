/**
 * Self-test of the fake Market's orders (market-orders.ts): getBusinessOrders takes only what the spec allows,
 * needs an order scope, answers in the spec's shape, and models the documented awkward parts (the 30-day default
 * window, test orders behind `fake`, pages).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeMarket } from './market.js';
import { MarketSpec } from './market-spec.js';

const spec = MarketSpec.load();
const DAY_MS = 24 * 60 * 60_000;
let market: FakeMarket | undefined;

afterEach(async () => {
  await market?.stop();
  market = undefined;
});

async function orders(m: FakeMarket, body: unknown, query: Record<string, string> = {}) {
  const url = new URL(`/v1/businesses/${m.businessId}/orders`, m.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Api-Key': m.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('fake getBusinessOrders', () => {
  it('answers seeded orders in the spec’s shape (no envelope), only with an order scope', async () => {
    market = await FakeMarket.start({ scopes: ['COMMUNICATION'] });
    const o = market.orders.add({ items: [{ name: 'Mug', count: 2, price: 300 }] });
    const refused = await orders(market, { orderIds: [o.orderId] });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toContain('scopes');

    market.scopes = ['INVENTORY_AND_ORDER_PROCESSING'];
    const ok = await orders(market, { orderIds: [o.orderId] });
    expect(ok.status).toBe(200);
    expect(spec.responseErrors('getBusinessOrders', 200, ok.body)).toEqual([]);
    expect(ok.body.status).toBeUndefined();
    expect(ok.body.orders).toHaveLength(1);
    expect(ok.body.orders[0].items[0]).toMatchObject({ offerName: 'Mug', count: 2, prices: { payment: { value: 600, currencyId: 'RUR' } } });
    expect(market.violations).toEqual([]);
  });

  it('rejects what the spec rejects: more than 50 ids, unknown fields, a missing body, a limit over 50', async () => {
    market = await FakeMarket.start({ scopes: ['ALL_METHODS'] });
    const ids = Array.from({ length: 51 }, (_, i) => i + 1);
    expect((await orders(market, { orderIds: ids })).status).toBe(400);
    expect((await orders(market, { orderId: 5 })).status).toBe(400);
    expect((await orders(market, {}, { limit: '51' })).status).toBe(400);
    const res = await fetch(new URL(`/v1/businesses/${market.businessId}/orders`, market.url), { method: 'POST', headers: { 'Api-Key': market.apiKey } });
    expect(res.status).toBe(400);
    expect(market.violations).toHaveLength(4);
    market.violations.length = 0;
  });

  it('leaves out orders older than 30 days unless asked by dates (at most 30 days apart), and test orders unless fake', async () => {
    market = await FakeMarket.start({ scopes: ['ALL_METHODS_READ_ONLY'] });
    const old = market.orders.add({ createdAtMs: Date.now() - 40 * DAY_MS });
    const test = market.orders.add({ fake: true });
    const recent = market.orders.add();
    const all = [old.orderId, test.orderId, recent.orderId];
    expect((await orders(market, { orderIds: all })).body.orders.map((o: any) => o.orderId)).toEqual([recent.orderId]);
    expect((await orders(market, { orderIds: all, fake: true })).body.orders.map((o: any) => o.orderId)).toEqual([test.orderId]);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const window = { creationDateFrom: day(Date.now() - 50 * DAY_MS), creationDateTo: day(Date.now() - 25 * DAY_MS) };
    expect((await orders(market, { orderIds: all, dates: window })).body.orders.map((o: any) => o.orderId)).toEqual([old.orderId]);
    const tooWide = { creationDateFrom: day(Date.now() - 50 * DAY_MS), creationDateTo: day(Date.now()) };
    expect((await orders(market, { orderIds: all, dates: tooWide })).status).toBe(400);
  });

  it('pages with a token', async () => {
    market = await FakeMarket.start({ scopes: ['ALL_METHODS'] });
    for (let i = 0; i < 3; i++) market.orders.add();
    const first = await orders(market, {}, { limit: '2' });
    expect(first.body.orders).toHaveLength(2);
    const second = await orders(market, {}, { limit: '2', pageToken: first.body.paging.nextPageToken });
    expect(second.body.orders).toHaveLength(1);
    expect(second.body.paging.nextPageToken).toBeUndefined();
  });
});
