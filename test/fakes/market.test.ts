/**
 * Self-test of the fake Market: it must reject what the real Market would reject, keep state like Market does,
 * and deliver every fault kind. Every JSON answer of a spec operation is also checked against the spec's response
 * schema, so the fake cannot drift from the shapes the bridge is typed against.
 */
import axios from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeMarket, type FakeMarketOptions, type OperationId } from './market.js';
import { MarketSpec } from './market-spec.js';

const spec = MarketSpec.load();
const BIZ = '/v2/businesses/777';

interface CallOptions {
  query?: Record<string, string | number>;
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
  /** null: send no Api-Key header. */
  apiKey?: string | null;
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any; // parsed JSON (or the text); loosely typed so assertions stay short
}

let market: FakeMarket;

async function call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, market.url);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.append(k, String(v));
  const headers: Record<string, string> = { ...o.headers };
  const apiKey = o.apiKey === undefined ? market.apiKey : o.apiKey;
  if (apiKey !== null) headers['Api-Key'] = apiKey;
  let body = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, body, signal: o.signal });
  const text = await res.text();
  let parsed: unknown = text;
  if (res.headers.get('content-type')?.startsWith('application/json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    const op = spec.match(method, url.pathname).op;
    if (op && typeof parsed === 'object') {
      expect(spec.responseErrors(op.operationId, res.status, parsed), `${op.operationId} ${res.status} ${text}`).toEqual([]);
    }
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

const send = (chatId: number | string | undefined, json: unknown, o: CallOptions = {}) =>
  call('POST', `${BIZ}/chats/message`, { ...o, query: chatId === undefined ? {} : { chatId }, json });

async function start(opts?: FakeMarketOptions): Promise<FakeMarket> {
  await market?.stop();
  market = await FakeMarket.start(opts);
  return market;
}

beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await market.stop();
});

describe('valid requests', () => {
  it('accepts a send and shows it as a PARTNER message', async () => {
    const chat = market.addChat({ customerName: 'Ivan' });
    const r = await send(chat.chatId, { message: 'Здравствуйте!' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'OK' });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте!']);
    expect(market.violations).toEqual([]);
    expect(market.count('sendMessageToChat')).toBe(1);
    const rec = market.requests[0]!;
    expect(rec).toMatchObject({
      operationId: 'sendMessageToChat',
      method: 'POST',
      path: `${BIZ}/chats/message`,
      query: { chatId: String(chat.chatId) },
      apiKeyOk: true,
      body: { message: 'Здравствуйте!' },
      status: 200,
    });
    expect(rec.headers['api-key']).toBe('<redacted>');
    expect(JSON.stringify(market.requests)).not.toContain(market.apiKey);
    // The partner's answer means the chat now waits for the buyer.
    expect((await call('GET', `${BIZ}/chat`, { query: { chatId: chat.chatId } })).body.result.status).toBe(
      'WAITING_FOR_CUSTOMER',
    );
  });

  it('serves getChat, getChatMessage, createChat, getAuthTokenInfo and getCampaigns', async () => {
    const chat = market.addChat({ customerName: 'Olga' });
    expect(chat.chatId).toBe(1001);
    const msg = market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    expect(msg.messageId).toBe(5001);

    const got = await call('GET', `${BIZ}/chat`, { query: { chatId: chat.chatId } });
    expect(got.status).toBe(200);
    expect(got.body.result).toMatchObject({ chatId: 1001, type: 'CHAT', status: 'WAITING_FOR_PARTNER' });
    expect(got.body.result.context).toMatchObject({ type: 'ORDER', customer: { name: 'Olga' } });
    expect(got.body.result.createdAt).toMatch(/\+03:00$/);

    const m = await call('GET', `${BIZ}/chats/message`, { query: { chatId: 1001, messageId: 5001 } });
    expect(m.body.result).toMatchObject({ messageId: 5001, sender: 'CUSTOMER', message: 'Где мой заказ?' });

    const orderId = chat.context.orderId!;
    const existing = await call('POST', `${BIZ}/chats/new`, { json: { context: { type: 'ORDER', id: orderId } } });
    expect(existing.body).toEqual({ status: 'OK', result: { chatId: 1001 } });
    const created = await call('POST', `${BIZ}/chats/new`, { json: { context: { type: 'ORDER', id: 42 } } });
    expect(created.body.result.chatId).toBe(1002);

    const token = await call('POST', '/v2/auth/token');
    expect(token.body).toEqual({ status: 'OK', result: { apiKey: { name: 'test', authScopes: ['COMMUNICATION'] } } });
    const campaigns = await call('GET', '/v2/campaigns');
    expect(campaigns.body.campaigns).toHaveLength(1);
    expect(campaigns.body.campaigns[0].business.id).toBe(777);
    expect(market.violations).toEqual([]);
  });
});

describe('an axios client, as the bridge uses', () => {
  it('makes no violations with the usual calls', async () => {
    const chat = market.addChat();
    const http = axios.create({ baseURL: market.url, headers: { 'Api-Key': market.apiKey }, validateStatus: () => true });
    expect((await http.post('/v2/auth/token')).status).toBe(200);
    expect((await http.get('/v2/campaigns')).data.campaigns[0].business.id).toBe(777);
    expect((await http.post(`${BIZ}/chats`, { statuses: ['NEW'] }, { params: { limit: 20, pageToken: undefined } })).status).toBe(200);
    expect((await http.post(`${BIZ}/chats/history`, {}, { params: { chatId: chat.chatId } })).status).toBe(200);
    expect((await http.post(`${BIZ}/chats/message`, { message: 'hi' }, { params: { chatId: chat.chatId } })).status).toBe(200);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('abc')], { type: 'text/plain' }), 'a.txt');
    expect((await http.post(`${BIZ}/chats/file/send`, form, { params: { chatId: chat.chatId } })).status).toBe(200);
    expect(market.violations).toEqual([]);
    expect(market.sentFiles(chat.chatId).map((f) => f.name)).toEqual(['a.txt']);
  });
});

describe('spec violations', () => {
  const cases: [string, () => Promise<Answer>, number, RegExp][] = [
    ['an extra body property', () => send(1001, { message: 'hi', text: 'hi' }), 400, /undeclared property 'text'/],
    ['a 4097-char message', () => send(1001, { message: 'x'.repeat(4097) }), 400, /more than 4096/],
    ['an empty message', () => send(1001, { message: '' }), 400, /fewer than 1/],
    ['a missing message', () => send(1001, {}), 400, /required property 'message'/],
    ['a missing chatId', () => send(undefined, { message: 'hi' }), 400, /'chatId' is missing/],
    ['chatId=0', () => send(0, { message: 'hi' }), 400, /chatId must be >= 1/],
    ['chatId=abc', () => send('abc', { message: 'hi' }), 400, /chatId must be int64/],
    ['an undeclared query param', () => call('POST', `${BIZ}/chats/message`, { query: { chatId: 1001, foo: 1 }, json: { message: 'hi' } }), 400, /'foo' is not declared/],
    ['a repeated query param', () => call('GET', `${BIZ}/chat?chatId=1001&chatId=1002`), 400, /more than once/],
    ['limit above max', () => call('POST', `${BIZ}/chats`, { query: { limit: 21 }, json: {} }), 400, /limit must be <= 20/],
    ['an empty pageToken', () => call('POST', `${BIZ}/chats`, { query: { pageToken: '' }, json: {} }), 400, /pageToken is empty/],
    ['a bad enum in a filter', () => call('POST', `${BIZ}/chats`, { json: { statuses: ['OPEN'] } }), 400, /must be one of/],
    ['an empty filter array', () => call('POST', `${BIZ}/chats`, { json: { statuses: [] } }), 400, /fewer than 1 items/],
    ['a deprecated property', () => call('POST', `${BIZ}/chats/new`, { json: { orderId: 5 } }), 400, /deprecated property 'orderId'/],
    ['a missing body', () => call('POST', `${BIZ}/chats/history`, { query: { chatId: 1001 } }), 400, /request body .* is required/],
    ['a body where none is declared', () => call('POST', '/v2/auth/token', { json: {} }), 400, /takes no request body/],
    ['a wrong Content-Type', () => send(1001, undefined, { body: '{"message":"hi"}', headers: { 'Content-Type': 'text/plain' } }), 400, /Content-Type must be application\/json/],
    ['invalid JSON', () => send(1001, undefined, { body: '{"message":', headers: { 'Content-Type': 'application/json' } }), 400, /not valid JSON/],
    ['businessId=0', () => call('GET', '/v2/businesses/0/chat', { query: { chatId: 1001 } }), 400, /businessId must be >= 1/],
    ['Authorization next to Api-Key', () => send(1001, { message: 'hi' }, { headers: { Authorization: 'Bearer x' } }), 400, /Authorization header must not be sent/],
    // A missing Api-Key is a violation *and* a 401, as Market answers.
    ['a Bearer Authorization instead of Api-Key', () => send(1001, { message: 'hi' }, { apiKey: null, headers: { Authorization: `Bearer ${market.apiKey}` } }), 401, /Api-Key header is missing/],
    ['an Api-Key with a Bearer prefix', () => send(1001, { message: 'hi' }, { apiKey: `Bearer ${market.apiKey}` }), 401, /without a 'Bearer' prefix/],
    ['an unknown path', () => call('GET', '/v2/businesses/777/chats/unknown'), 404, /no operation in the spec/],
    ['a wrong method', () => call('GET', `${BIZ}/chats/history`, { query: { chatId: 1001 } }), 405, /GET is not declared/],
  ];

  it.each(cases)('%s is a violation', async (_name, request, status, reason) => {
    market.addChat();
    market.failNext('*', { kind: 'status', status: 500 }); // a violating request is not subject to faults
    const r = await request();
    expect(r.status).toBe(status);
    expect(r.body.status).toBe('ERROR');
    if (status === 400) expect(r.body.errors[0].code).toBe('BAD_REQUEST');
    expect(market.violations).toHaveLength(1);
    expect(market.violations[0]!.reasons.join('; ')).toMatch(reason);
    expect(market.partnerTexts(1001)).toEqual([]);
    expect(market.requests[0]!.fault).toBeUndefined();
  });

  it('accepts the page_token alias and deprecated fields when allowed', async () => {
    await start({ allowDeprecated: true });
    market.addChat();
    const r = await call('POST', `${BIZ}/chats/new`, { json: { orderId: 99 } });
    expect(r.status).toBe(200);
    for (let i = 0; i < 12; i++) market.addChat();
    const p1 = await call('POST', `${BIZ}/chats`, { json: {} });
    const p2 = await call('POST', `${BIZ}/chats`, { query: { page_token: p1.body.result.paging.nextPageToken }, json: {} });
    expect(p2.status).toBe(200);
    expect(p2.body.result.chats[0].chatId).toBe(p1.body.result.chats[9].chatId + 1);
    expect(market.violations).toEqual([]);
  });
});

describe('auth and access', () => {
  it('answers 401 to a wrong key without a violation', async () => {
    market.addChat();
    const r = await send(1001, { message: 'hi' }, { apiKey: 'ACMA:wrong:0000' });
    expect(r.status).toBe(401);
    expect(r.body.errors).toEqual([{ code: 'UNAUTHORIZED', message: 'Api-Key token is invalid' }]);
    expect(market.violations).toEqual([]);
    expect(market.requests[0]!.apiKeyOk).toBe(false);
    expect(market.partnerTexts(1001)).toEqual([]);
  });

  it('answers 403 when the key lacks a scope', async () => {
    market.addChat();
    market.scopes = ['ALL_METHODS_READ_ONLY'];
    expect((await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } })).status).toBe(200);
    const w = await send(1001, { message: 'hi' });
    expect(w.status).toBe(403);
    expect(w.body.errors[0]).toEqual({
      code: 'FORBIDDEN',
      message: 'Token does not have any of the scopes to access the API method',
    });
    market.scopes = ['PRICING'];
    expect((await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } })).status).toBe(403);
    const info = await call('POST', '/v2/auth/token');
    expect(info.status).toBe(200);
    expect(info.body.result.apiKey.authScopes).toEqual(['PRICING']);
    market.scopes = ['ALL_METHODS'];
    expect((await send(1001, { message: 'hi' })).status).toBe(200);
  });

  it('answers 403 for another business', async () => {
    market.addChat();
    const r = await call('GET', '/v2/businesses/778/chat', { query: { chatId: 1001 } });
    expect(r.status).toBe(403);
    expect(r.body.errors[0].code).toBe('FORBIDDEN');
  });

  it('answers 404 for an unknown chat or message', async () => {
    const g = await call('GET', `${BIZ}/chat`, { query: { chatId: 999 } });
    expect(g.status).toBe(404);
    expect(g.body.errors).toEqual([{ code: 'NOT_FOUND', message: 'Chat not found' }]);
    expect((await send(999, { message: 'hi' })).status).toBe(404);
    market.addChat();
    expect((await call('GET', `${BIZ}/chats/message`, { query: { chatId: 1001, messageId: 77 } })).status).toBe(404);
    expect(market.violations).toEqual([]);
  });
});

describe('paging', () => {
  it('pages getChats: 45 chats, limit 20 -> 3 pages', async () => {
    for (let i = 0; i < 45; i++) market.addChat();
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await call('POST', `${BIZ}/chats`, { query: { limit: 20, ...(token ? { pageToken: token } : {}) }, json: {} });
      expect(r.status).toBe(200);
      seen.push(...r.body.result.chats.map((c: { chatId: number }) => c.chatId));
      token = r.body.result.paging.nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => 1001 + i));

    const bad = await call('POST', `${BIZ}/chats`, { query: { pageToken: 'bm9wZQ' }, json: {} });
    expect(bad.status).toBe(400);
    expect(market.violations).toEqual([]);
  });

  it('filters getChats by status, type and context', async () => {
    const a = market.addChat();
    const b = market.addChat({ type: 'ARBITRAGE' });
    market.addChat({ context: { type: 'DIRECT', customer: { name: 'X' } } });
    market.addMessage(a.chatId, { message: 'help' });
    const ids = async (json: unknown) =>
      (await call('POST', `${BIZ}/chats`, { json })).body.result.chats.map((c: { chatId: number }) => c.chatId);
    expect(await ids({ statuses: ['WAITING_FOR_PARTNER'] })).toEqual([a.chatId]);
    expect(await ids({ types: ['ARBITRAGE'] })).toEqual([b.chatId]);
    expect(await ids({ contextTypes: ['DIRECT'] })).toEqual([1003]);
    expect(await ids({ contexts: [{ type: 'ORDER', id: b.context.orderId }] })).toEqual([b.chatId]);
    expect(await ids({})).toEqual([1001, 1002, 1003]);
    const first = await call('POST', `${BIZ}/chats`, { json: {} });
    expect(first.body.result.paging).toEqual({});
  });

  it('pages history from messageIdFrom, newest first by default', async () => {
    const chat = market.addChat();
    const all = Array.from({ length: 30 }, (_, i) => market.addMessage(chat.chatId, { message: `m${i}` }).messageId);
    const from = all[9]!;
    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await call('POST', `${BIZ}/chats/history`, {
        query: { chatId: chat.chatId, limit: 10, ...(token ? { pageToken: token } : {}) },
        json: { messageIdFrom: from },
      });
      expect(r.status).toBe(200);
      expect(r.body.result.context.type).toBe('ORDER');
      const ids = r.body.result.messages.map((m: { messageId: number }) => m.messageId);
      if (pages === 0) expect(ids[0]).toBe(all[29]);
      seen.push(...ids);
      token = r.body.result.paging.nextPageToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect([...seen].sort((x, y) => x - y)).toEqual(all.slice(9));
    expect(market.violations).toEqual([]);
  });

  it('returns history oldest first when historyOrder is asc', async () => {
    await start({ historyOrder: 'asc' });
    const chat = market.addChat();
    for (let i = 0; i < 3; i++) market.addMessage(chat.chatId, { message: `m${i}` });
    const r = await call('POST', `${BIZ}/chats/history`, { query: { chatId: chat.chatId }, json: {} });
    expect(r.body.result.messages.map((m: { message: string }) => m.message)).toEqual(['m0', 'm1', 'm2']);
    expect(r.body.result.paging).toEqual({});
  });

  it('scrambled history: pages in an order that is neither by id nor by date, every message once across the pages', async () => {
    await start({ historyOrder: 'scrambled' });
    const chat = market.addChat();
    const all = Array.from({ length: 25 }, (_, i) => market.addMessage(chat.chatId, { message: `m${i}` }).messageId);
    const seen: number[] = [];
    let token: string | undefined;
    do {
      const r = await call('POST', `${BIZ}/chats/history`, {
        query: { chatId: chat.chatId, limit: 10, ...(token ? { pageToken: token } : {}) },
        json: { messageIdFrom: all[5] },
      });
      seen.push(...r.body.result.messages.map((m: { messageId: number }) => m.messageId));
      token = r.body.result.paging.nextPageToken;
    } while (token);
    const asc = [...seen].sort((x, y) => x - y);
    expect(asc).toEqual(all.slice(5));
    expect(seen).not.toEqual(asc);
    expect(seen).not.toEqual([...asc].reverse());
    expect(market.violations).toEqual([]);
  });
});

describe('rate limits', () => {
  it('answers 420 past the hourly quota, with the rate headers, until the window ends', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    await start({ quotas: { getChat: 3 }, now: () => now });
    market.addChat();
    const get = () => call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    const first = await get();
    expect(first.headers.get('x-ratelimit-resource-limit')).toBe('3');
    expect(first.headers.get('x-ratelimit-resource-remaining')).toBe('2');
    expect(first.headers.get('x-ratelimit-resource-until')).toBe('Thu, 01 Jan 2026 13:00:00 GMT');
    await get();
    expect((await call('GET', `${BIZ}/chat`, { query: { chatId: 999 } })).status).toBe(404); // 4xx counts too
    const over = await get();
    expect(over.status).toBe(420);
    expect(over.body.errors).toEqual([
      { code: 'REQUEST_LIMIT_EXCEEDED', message: "Hit rate limit of '3' requests per '1 hour' for resource '249'" },
    ]);
    expect(over.headers.get('x-ratelimit-resource-remaining')).toBe('0');
    expect(over.headers.get('x-ratelimit-resource-until')).toBe('Thu, 01 Jan 2026 13:00:00 GMT');
    // Other operations have their own counter (spec default 1000/h for sendMessageToChat).
    const s = await send(1001, { message: 'hi' });
    expect(s.headers.get('x-ratelimit-resource-limit')).toBe('1000');
    now += 3_600_000;
    expect((await get()).status).toBe(200);
  });

  it('answers 420 to the 5th parallel request and records maxInFlightSeen', async () => {
    market.addChat();
    market.failNext('getChat', { kind: 'hang' }, 5);
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    const hung = aborts.map((a) =>
      call('GET', `${BIZ}/chat`, { query: { chatId: 1001 }, signal: a.signal }).catch((e: Error) => e),
    );
    for (let i = 0; i < 4; i++) await market.waitForRequest(() => market.requests.filter((r) => r.fault === 'hang').length >= i + 1);
    const fifth = await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    expect(fifth.status).toBe(420);
    expect(fifth.body.errors[0]).toEqual({
      code: 'REQUEST_LIMIT_EXCEEDED',
      message: 'Hit rate limit of 4 parallel requests for businessId 777',
    });
    // Like every answer it carries the method's window, which this rule does not use up.
    expect(fifth.headers.get('x-ratelimit-resource-limit')).toBe('1000');
    expect(Number(fifth.headers.get('x-ratelimit-resource-remaining'))).toBeGreaterThan(0);
    expect(fifth.headers.get('x-ratelimit-resource-until')).toMatch(/GMT$/);
    expect(market.maxInFlightSeen).toBe(5);
    expect(market.requests[4]!.fault).toBeUndefined(); // rejected before it could take a fault
    // Other paths (not per business) are not limited.
    expect((await call('GET', '/v2/campaigns')).status).toBe(200);
    aborts.forEach((a) => a.abort());
    await Promise.all(hung);
    await market.waitForRequest(() => market.requests.slice(0, 4).every((r) => r.endedAt !== undefined));
    market.reset();
    expect((await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } })).status).toBe(200);
    expect(market.maxInFlightSeen).toBe(1);
  });
});

describe('faults', () => {
  beforeEach(() => {
    market.addChat();
  });

  it('status: the standard error envelope with sensible defaults', async () => {
    market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
    market.failNext('sendMessageToChat', { kind: 'status', status: 420 });
    market.failNext('sendMessageToChat', { kind: 'status', status: 423, code: 'LOCKED', message: 'migrating', headers: { 'X-Extra': '1' } });
    const a = await send(1001, { message: 'a' });
    expect(a.status).toBe(500);
    expect(a.body.errors[0].code).toBe('INTERNAL_ERROR');
    const b = await send(1001, { message: 'b' });
    expect(b.status).toBe(420);
    expect(b.body.errors[0].code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(b.headers.get('x-ratelimit-resource-until')).toMatch(/GMT$/);
    expect(b.headers.get('x-ratelimit-resource-remaining')).toBe('0');
    const c = await send(1001, { message: 'c' });
    expect(c.status).toBe(423);
    expect(c.text).toBe('{"status":"ERROR","errors":[{"code":"LOCKED","message":"migrating"}]}');
    expect(c.headers.get('x-extra')).toBe('1');
    expect((await send(1001, { message: 'd' })).status).toBe(200);
    expect(market.partnerTexts(1001)).toEqual(['d']);
    expect(market.requests.map((r) => r.fault)).toEqual(['status:500', 'status:420', 'status:423', undefined]);
  });

  it('html and raw: bodies that are not the JSON envelope', async () => {
    market.failNext('getChat', { kind: 'html', status: 502 });
    market.failNext('getChat', { kind: 'raw', status: 200, body: '{"status":"OK","result":' });
    const h = await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    expect(h.status).toBe(502);
    expect(h.headers.get('content-type')).toBe('text/html');
    expect(h.text).toContain('<html>');
    const r = await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"OK","result":');
  });

  it('hang with ms answers normally afterwards; delay too', async () => {
    market.failNext('getChat', { kind: 'hang', ms: 150 });
    market.failNext('getChat', { kind: 'delay', ms: 50 });
    const t0 = Date.now();
    const h = await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    expect(h.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const d = await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } });
    expect(d.status).toBe(200);
    expect(market.requests.map((r) => r.fault)).toEqual(['hang:150ms', 'delay:50ms']);
  });

  it('hang without ms never answers; stop() ends it', async () => {
    market.failNext('getChat', { kind: 'hang' });
    const pending = call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } }).catch((e: Error) => e);
    const rec = await market.waitForRequest((r) => r.fault === 'hang');
    expect(rec.status).toBe(0);
    await market.stop();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('reset destroys the socket', async () => {
    market.failNext('*', { kind: 'reset' });
    await expect(send(1001, { message: 'lost' })).rejects.toThrow();
    expect(market.partnerTexts(1001)).toEqual([]);
    expect(market.requests[0]).toMatchObject({ fault: 'reset', status: 0 });
  });

  it('afterProcess: the message IS stored, then the fault arrives', async () => {
    market.failNext('sendMessageToChat', { kind: 'status', status: 500, afterProcess: true });
    market.failNext('sendMessageToChat', { kind: 'reset', afterProcess: true });
    market.failNext('sendMessageToChat', { kind: 'hang', ms: 50, afterProcess: true });
    expect((await send(1001, { message: 'one' })).status).toBe(500);
    await expect(send(1001, { message: 'two' })).rejects.toThrow();
    expect((await send(1001, { message: 'three' })).status).toBe(200);
    expect(market.partnerTexts(1001)).toEqual(['one', 'two', 'three']);
    expect(market.requests.map((r) => r.fault)).toEqual([
      'status:500+afterProcess',
      'reset+afterProcess',
      'hang:50ms+afterProcess',
    ]);
  });

  it('random faults are reproducible from the seed', async () => {
    const run = async () => {
      await start();
      market.addChat();
      market.setRandomFaults({ seed: 42, rate: 0.5, kinds: [{ kind: 'status', status: 503 }], ops: ['getChat'] });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await call('GET', `${BIZ}/chat`, { query: { chatId: 1001 } })).status);
      expect((await send(1001, { message: 'not affected' })).status).toBe(200);
      return statuses;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a).toContain(503);
    expect(a).toContain(200);
  });
});

describe('files', () => {
  beforeEach(() => {
    market.addChat();
  });

  const sendFile = (bytes: Buffer, name = 'photo.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), name);
    return call('POST', `${BIZ}/chats/file/send`, { query: { chatId: 1001 }, body: form });
  };

  it('accepts a small multipart file, stores it and serves it', async () => {
    const bytes = Buffer.from('fake jpeg bytes');
    const r = await sendFile(bytes);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'OK' });
    expect(market.violations).toEqual([]);
    expect(market.sentFiles(1001)).toEqual([{ name: 'photo.jpg', size: bytes.length, contentType: 'image/jpeg', bytes }]);
    expect(market.requests[0]!.body).toEqual({ fileName: 'photo.jpg', size: bytes.length, contentType: 'image/jpeg' });
    const msg = market.messagesOf(1001)[0]!;
    expect(msg.sender).toBe('PARTNER');
    const url = msg.payload![0]!.url;
    const served = await fetch(url);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
  });

  it('refuses a file of 5 MB + 1 byte as a violation', async () => {
    const r = await sendFile(Buffer.alloc(5 * 1024 * 1024 + 1, 1), 'big.bin', 'application/octet-stream');
    expect(r.status).toBe(400);
    expect(market.violations[0]!.reasons.join()).toMatch(/more than the 5 MB limit/);
    expect(market.sentFiles(1001)).toEqual([]);
  });

  it('accepts exactly 5 MB', async () => {
    expect((await sendFile(Buffer.alloc(5 * 1024 * 1024, 1), 'max.bin')).status).toBe(200);
  });

  it('refuses a form without the file field, or a JSON body', async () => {
    const form = new FormData();
    form.append('document', new Blob(['x']), 'a.txt');
    const r = await call('POST', `${BIZ}/chats/file/send`, { query: { chatId: 1001 }, body: form });
    expect(r.status).toBe(400);
    expect(market.violations[0]!.reasons).toEqual([
      "multipart field 'document' is not declared (only 'file')",
      "multipart field 'file' is missing",
    ]);
    const j = await call('POST', `${BIZ}/chats/file/send`, { query: { chatId: 1001 }, json: { file: 'x' } });
    expect(j.status).toBe(400);
  });

  it('serves files added by the test without auth', async () => {
    const url = market.addFile('доставка.pdf', Buffer.from('%PDF'), 'application/pdf');
    market.addMessage(1001, { payload: [{ name: 'доставка.pdf', url, size: 4 }] });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(await res.text()).toBe('%PDF');
    const h = await call('POST', `${BIZ}/chats/history`, { query: { chatId: 1001 }, json: {} });
    expect(h.body.result.messages[0].payload[0].url).toBe(url);
  });
});

describe('observing', () => {
  it('waitForRequest resolves on a future match and explains a timeout', async () => {
    market.addChat();
    const waiting = market.waitForRequest((r) => r.operationId === 'sendMessageToChat' && r.status === 200);
    await send(1001, { message: 'later' });
    expect((await waiting).body).toEqual({ message: 'later' });
    await expect(market.waitForRequest((r) => r.operationId === 'getChats', 50)).rejects.toThrow(
      /no matching request within 50 ms; 1 request\(s\) seen:\n {2}POST \/v2\/businesses\/777\/chats\/message\?chatId=1001 -> 200/,
    );
    const ops: OperationId[] = ['sendMessageToChat'];
    expect(ops.map((o) => market.count(o))).toEqual([1]);
    market.reset();
    expect(market.requests).toEqual([]);
    expect(market.partnerTexts(1001)).toEqual(['later']);
  });
});
