/**
 * Market's push-notification endpoint over real HTTP on loopback: the answers Market expects (spec
 * notification-api), the events handed to the sync, and what is refused.
 */
import type { RunningServer } from '../src/http-server.js';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import {
  createNotificationHandler,
  parseAllowList,
  startNotificationServer,
  type ChatEvent,
  type NotificationHandlerOptions,
} from '../src/market/notifications.js';

const BUSINESS_ID = 777;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Endpoint {
  url: string;
  events: ChatEvent[];
  logs: string[];
  post(body: unknown, path?: string): Promise<{ status: number; type: string | null; json: unknown }>;
  /** Resolves once the handler had its chance to emit (events are emitted right after the answer). */
  flushed(): Promise<void>;
}

async function endpoint(opts: Partial<NotificationHandlerOptions> = {}): Promise<Endpoint> {
  const events: ChatEvent[] = [];
  const logs: string[] = [];
  // No scrubbing here, so a test sees any secret the handler would write.
  const log = createLogger({ level: 'trace', secrets: [], destination: { write: (l: string) => void logs.push(l) } });
  const handler = createNotificationHandler({ businessId: BUSINESS_ID, log, onEvent: (e) => events.push(e), ...opts });
  server = await startNotificationServer(0, handler);
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    events,
    logs,
    async post(body, path = '/') {
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(text) as unknown };
    },
    flushed: () => new Promise((r) => setTimeout(r, 20)),
  };
}

const messageSent = (over: Record<string, unknown> = {}) => ({
  notificationType: 'CHAT_MESSAGE_SENT',
  chatId: 12345,
  messageId: '987654',
  businessId: BUSINESS_ID,
  sentAt: '2026-07-17T10:00:00.213Z',
  ...over,
});

function expectOkBody(json: unknown): void {
  expect(json).toEqual({ version: '1.0.0', name: 'market-bridge', time: expect.any(String) });
  const time = (json as { time: string }).time;
  expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(Number.isNaN(Date.parse(time))).toBe(false);
}

function expectWrongFormat(r: { status: number; type: string | null; json: unknown }): void {
  expect(r.status).toBe(400);
  expect(r.type).toBe('application/json');
  expect(r.json).toEqual({ error: { type: 'WRONG_EVENT_FORMAT', message: expect.any(String) } });
}

describe('notification endpoint', () => {
  it('answers PING with 200, the three fields and application/json, well within Market’s 1 s', async () => {
    const ep = await endpoint();
    const started = performance.now();
    const r = await ep.post({ notificationType: 'PING', time: '2026-07-17T10:00:00Z' });
    const elapsed = performance.now() - started;
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    expectOkBody(r.json);
    // Generous on a shared machine; the handler itself does no I/O before answering.
    expect(elapsed).toBeLessThan(800);
    await ep.flushed();
    expect(ep.events).toEqual([]);
  });

  it('turns CHAT_MESSAGE_SENT (string messageId) into one message event', async () => {
    const ep = await endpoint();
    const r = await ep.post(messageSent());
    expect(r.status).toBe(200);
    expectOkBody(r.json);
    await ep.flushed();
    expect(ep.events).toEqual([{ kind: 'message', chatId: 12345, messageId: 987654 }]);
  });

  it('maps chat creation and both arbitrage notifications', async () => {
    const ep = await endpoint();
    const base = { chatId: 5, businessId: BUSINESS_ID };
    expect((await ep.post({ ...base, notificationType: 'CHAT_CREATED', createdAt: '2026-07-17T10:00:00+03:00' })).status).toBe(200);
    expect((await ep.post({ ...base, notificationType: 'CHAT_ARBITRAGE_STARTED', startedAt: '2026-07-17T11:00:00Z' })).status).toBe(200);
    expect((await ep.post({ ...base, notificationType: 'CHAT_ARBITRAGE_FINISHED', finishedAt: '2026-07-18T11:00:00Z' })).status).toBe(200);
    await ep.flushed();
    expect(ep.events).toEqual([
      { kind: 'chat_created', chatId: 5 },
      { kind: 'arbitrage_started', chatId: 5 },
      { kind: 'arbitrage_finished', chatId: 5 },
    ]);
  });

  it('treats a duplicate as success without a second event', async () => {
    const ep = await endpoint();
    expect((await ep.post(messageSent())).status).toBe(200);
    const again = await ep.post(messageSent({ sentAt: '2026-07-17T10:00:05Z' }));
    expect(again.status).toBe(200);
    expectOkBody(again.json);
    // Another message of the same chat is not a duplicate.
    expect((await ep.post(messageSent({ messageId: '987655' }))).status).toBe(200);
    await ep.flushed();
    expect(ep.events).toEqual([
      { kind: 'message', chatId: 12345, messageId: 987654 },
      { kind: 'message', chatId: 12345, messageId: 987655 },
    ]);
  });

  it('forgets the oldest keys beyond its capacity', async () => {
    const ep = await endpoint({ dedupCapacity: 2 });
    for (const id of ['1', '2', '3', '1']) await ep.post(messageSent({ messageId: id }));
    await ep.flushed();
    expect(ep.events.map((e) => (e.kind === 'message' ? e.messageId : 0))).toEqual([1, 2, 3, 1]);
  });

  it.each([
    ['not JSON', '{"notificationType": "PING"'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['no notificationType', { chatId: 1 }],
    ['an unknown notificationType', { notificationType: 'CHAT_DELETED', chatId: 1 }],
    ['a missing chatId', messageSent({ chatId: undefined })],
    ['a missing sentAt', messageSent({ sentAt: undefined })],
    ['a string chatId', messageSent({ chatId: '12345' })],
    ['a non-numeric messageId', messageSent({ messageId: 'abc' })],
    ['a numeric (not string) messageId', messageSent({ messageId: 987654 })],
    ['a negative messageId', messageSent({ messageId: '-5' })],
    ['a messageId beyond 2^53', messageSent({ messageId: '9007199254740993' })],
    ['a fractional chatId', messageSent({ chatId: 1.5 })],
    ['a date that is not a date', messageSent({ sentAt: 'yesterday' })],
    ['CHAT_CREATED without businessId', { notificationType: 'CHAT_CREATED', chatId: 1, createdAt: '2026-07-17T10:00:00Z' }],
  ])('answers 400 WRONG_EVENT_FORMAT for %s, and emits nothing', async (_what, body) => {
    const ep = await endpoint();
    expectWrongFormat(await ep.post(body));
    await ep.flushed();
    expect(ep.events).toEqual([]);
  });

  it('acknowledges a notification for another business without acting on it, with a warning', async () => {
    const ep = await endpoint();
    const r = await ep.post(messageSent({ businessId: BUSINESS_ID + 1 }));
    expect(r.status).toBe(200);
    expectOkBody(r.json);
    await ep.flushed();
    expect(ep.events).toEqual([]);
    expect(ep.logs.some((l) => l.includes('"level":40') && l.includes('another business'))).toBe(true);
  });

  it('acknowledges notification types that are not about chats', async () => {
    const ep = await endpoint();
    const r = await ep.post({ notificationType: 'ORDER_CREATED', orderId: 1, campaignId: 2, createdAt: '2026-07-17T10:00:00Z', items: [] });
    expect(r.status).toBe(200);
    expectOkBody(r.json);
    await ep.flushed();
    expect(ep.events).toEqual([]);
  });

  it('accepts the registered URL and …/notification alike', async () => {
    const ep = await endpoint();
    expect((await ep.post(messageSent({ messageId: '1' }), '/')).status).toBe(200);
    expect((await ep.post(messageSent({ messageId: '2' }), '/hook/notification')).status).toBe(200);
    expect((await ep.post(messageSent({ messageId: '3' }), '/hook')).status).toBe(200);
    await ep.flushed();
    expect(ep.events).toHaveLength(3);
  });

  it('answers other methods with 405', async () => {
    const ep = await endpoint();
    const res = await fetch(`${ep.url}/notification`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await res.text();
  });

  it('refuses an oversized body before parsing it', async () => {
    const ep = await endpoint({ maxBodyBytes: 1024 });
    const r = await ep.post(messageSent({ padding: 'x'.repeat(5000) }));
    expect([400, 413]).toContain(r.status);
    expect((r.json as { error: { type: string } }).error.type).toBe('WRONG_EVENT_FORMAT');
    await ep.flushed();
    expect(ep.events).toEqual([]);
  });

  it('lets an allowed address through', async () => {
    const ep = await endpoint({ allowIps: ['5.45.207.0/25', '127.0.0.0/8', '::1'] });
    expect((await ep.post(messageSent())).status).toBe(200);
    await ep.flushed();
    expect(ep.events).toHaveLength(1);
  });

  it('answers 403 to an address outside the allow-list and does not process it', async () => {
    const ep = await endpoint({ allowIps: ['5.45.207.0/25', '141.8.142.0/25', '5.255.253.0/25'] });
    const r = await ep.post(messageSent());
    expect(r.status).toBe(403);
    await ep.flushed();
    expect(ep.events).toEqual([]);
  });

  it('keeps working when the consumer throws', async () => {
    const ep = await endpoint({
      onEvent: () => {
        throw new Error('sync exploded');
      },
    });
    expect((await ep.post(messageSent({ messageId: '1' }))).status).toBe(200);
    await ep.flushed();
    expect((await ep.post(messageSent({ messageId: '2' }))).status).toBe(200);
    expect(ep.logs.some((l) => l.includes('notification consumer failed'))).toBe(true);
  });

  it('never crashes on random bodies: always 200 or 400 with a spec-shaped answer', async () => {
    const ep = await endpoint();
    const types = fc.constantFrom('PING', 'CHAT_CREATED', 'CHAT_MESSAGE_SENT', 'CHAT_ARBITRAGE_STARTED', 'CHAT_ARBITRAGE_FINISHED', 'ORDER_CREATED', 'NOPE');
    const value = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.constantFrom('2026-07-17T10:00:00Z', '12', '007', '-1', '9007199254740993', BUSINESS_ID, 0, null, true),
      fc.constant(undefined),
    );
    // Near-valid notifications (typed fields with random values) and arbitrary JSON, plus raw strings.
    const nearValid = fc
      .record({
        notificationType: types,
        chatId: value,
        messageId: value,
        businessId: value,
        sentAt: value,
        createdAt: value,
        startedAt: value,
        finishedAt: value,
        time: value,
      }, { requiredKeys: [] })
      .map((o) => JSON.stringify(o));
    const body = fc.oneof(nearValid, fc.json(), fc.string());
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await ep.post(b);
        expect(r.type).toBe('application/json');
        if (r.status === 200) expectOkBody(r.json);
        else expectWrongFormat(r);
      }),
      { numRuns: 300 },
    );
    await ep.flushed();
    for (const e of ep.events) {
      expect(Number.isSafeInteger(e.chatId) && e.chatId > 0).toBe(true);
      if (e.kind === 'message') expect(Number.isSafeInteger(e.messageId) && e.messageId > 0).toBe(true);
    }
  });
});

describe('MARKET_NOTIFY_SECRET: the secret path', () => {
  const SECRET = 'n0tify_Secret-4f9c2a7e';

  it('accepts notifications only at /<secret> and /<secret>/notification', async () => {
    const ep = await endpoint({ pathSecret: SECRET });
    const a = await ep.post(messageSent({ messageId: '1' }), `/${SECRET}`);
    expect(a.status).toBe(200);
    expectOkBody(a.json);
    expect((await ep.post(messageSent({ messageId: '2' }), `/${SECRET}/notification`)).status).toBe(200);
    expect((await ep.post({ notificationType: 'PING', time: '2026-07-17T10:00:00Z' }, `/${SECRET}`)).status).toBe(200);
    await ep.flushed();
    expect(ep.events.map((e) => (e.kind === 'message' ? e.messageId : 0))).toEqual([1, 2]);
  });

  it.each([
    ['the root', '/'],
    ['the spec path alone', '/notification'],
    ['a wrong secret', '/n0tify_Secret-4f9c2a7X'],
    ['the secret with a suffix', `/${SECRET}x`],
    ['a prefix of the secret', `/${SECRET.slice(0, -1)}`],
    ['another path under the secret', `/${SECRET}/other`],
    ['a deeper path', `/${SECRET}/notification/x`],
    ['the secret further down', `/hook/${SECRET}`],
  ])('answers 404 at %s, emits nothing and never writes the secret to the log', async (_what, path) => {
    const ep = await endpoint({ pathSecret: SECRET });
    const r = await ep.post(messageSent(), path);
    expect(r.status).toBe(404);
    expect(r.type).toBe('application/json');
    // A PING at a wrong path is refused too: only the secret path answers at all.
    expect((await ep.post({ notificationType: 'PING' }, path)).status).toBe(404);
    await ep.flushed();
    expect(ep.events).toEqual([]);
    expect(ep.logs.join('').includes(SECRET)).toBe(false);
    expect(ep.logs.join('').includes(SECRET.slice(0, 12))).toBe(false);
  });

  it('does not write the secret to the log when notifications come in at the right path', async () => {
    const ep = await endpoint({ pathSecret: SECRET, allowIps: ['127.0.0.0/8', '::1'] });
    expect((await ep.post(messageSent(), `/${SECRET}`)).status).toBe(200);
    expect((await ep.post('not json', `/${SECRET}/notification`)).status).toBe(400);
    await ep.flushed();
    expect(ep.logs.length).toBeGreaterThan(0);
    expect(ep.logs.join('').includes(SECRET)).toBe(false);
  });

  it('is validated with one line naming MARKET_NOTIFY_SECRET, never echoing the value', () => {
    const base = { TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_ADMIN_IDS: '1', MARKET_API_KEY: 'k', MARKET_BUSINESS_ID: '1' };
    for (const bad of ['short-secret', 'has/a/slash-in-it-0123', 'has space in it 0123456', 'ümlaut-secret-0123456']) {
      const r = parseConfig({ ...base, MARKET_NOTIFY_SECRET: bad });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^MARKET_NOTIFY_SECRET /);
      expect(r.errors[0]!.includes(bad)).toBe(false);
    }
    const ok = parseConfig({ ...base, MARKET_NOTIFY_SECRET: SECRET });
    expect(ok.ok && ok.config.market.notifySecret).toBe(SECRET);
    const unset = parseConfig({ ...base, MARKET_NOTIFY_SECRET: '' });
    expect(unset.ok && unset.config.market.notifySecret).toBeUndefined();
  });
});

describe('parseAllowList', () => {
  it('matches IPv4 and IPv6 addresses and ranges, including IPv4-mapped peers', () => {
    const allowed = parseAllowList(['5.45.207.0/25', '2a02:6b8::/32', '10.0.0.7']);
    expect(allowed('5.45.207.1')).toBe(true);
    expect(allowed('5.45.207.200')).toBe(false);
    expect(allowed('::ffff:5.45.207.127')).toBe(true);
    expect(allowed('::FFFF:5.45.207.128')).toBe(false);
    expect(allowed('2a02:6b8:c0c::1')).toBe(true);
    expect(allowed('2a03::1')).toBe(false);
    expect(allowed('10.0.0.7')).toBe(true);
    expect(allowed('10.0.0.8')).toBe(false);
    expect(allowed(undefined)).toBe(false);
  });

  it.each(['5.45.207.0/33', '1.2.3', 'fe80::/129', '1.2.3.4/24/1', 'localhost'])('refuses the entry %s with a line naming the variable', (entry) => {
    expect(() => parseAllowList([entry])).toThrow(/MARKET_NOTIFY_ALLOW_IPS/);
  });
});
