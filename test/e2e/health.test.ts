/**
 * Issue 8: GET /healthz and GET /metrics on HEALTH_PORT. The tests drive real traffic through the fakes (seller
 * replies, a 420, a Telegram 429, a buyer message) and scrape both endpoints over HTTP, checking that each number
 * moves by what the traffic should move it by; then make the bot unable to work (Telegram failing, the Api-Key
 * refused, the database not writable) and see 503 with the reason. Neither answer may carry a secret or message text.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING, botMessageWith } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Answer {
  status: number;
  type: string;
  body: string;
}

function get(port: number, path: string, host = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Prometheus text -> `name{labels}` -> value (labels as written, sorted by prom-client). */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

async function scrape(port: number): Promise<Map<string, number>> {
  const a = await get(port, '/metrics');
  expect(a.status).toBe(200);
  expect(a.type).toMatch(/^text\/plain/);
  return parseMetrics(a.body);
}

const v = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

/** Polls an async check every 50 ms until it is true. */
async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function healthPort(h: Harness): number {
  const port = h.bridge?.ports.health;
  if (port === undefined) throw new Error('the health server is not running');
  return port;
}

function expectNothingSecret(h: Harness, text: string, texts: string[]) {
  expect(text.includes(h.config.telegram.token), 'bot token').toBe(false);
  expect(text.includes(h.config.market.apiKey), 'Api-Key').toBe(false);
  for (const t of texts) expect(text.includes(t), `message text "${t}"`).toBe(false);
}

describe('/healthz and /metrics', () => {
  it('report what the bridge did: replies by outcome, latency, Market requests, 420s, quota, Telegram 429s, buyer messages, queues', async () => {
    h = await Harness.create({
      env: { TELEGRAM_CHAT_ID: String(GROUP_ID), HEALTH_PORT: '0', HTTP_HOST: '127.0.0.1' },
      start: false,
      bridge: { inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 200 } } },
    });
    h.tg.addGroup({ id: GROUP_ID, title: 'Shop team', forum: true });
    await h.start();
    const port = healthPort(h);

    const first = await get(port, '/healthz');
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^application\/json/);
    const report = JSON.parse(first.body);
    expect(report).toMatchObject({
      status: 'ok',
      problems: [],
      telegram: { reachable: true },
      market: { reachable: true, keyRefused: false },
      database: { writable: true },
      queues: { unsentReplies: 0, relayChats: 0, oldestUnsentReplyAgeSeconds: null, buyerMessagesWaiting: 0 },
    });
    expect(report.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(report.telegram.lastOkSecondsAgo).toBeGreaterThanOrEqual(0);
    expect(report.market.lastOkSecondsAgo).toBeGreaterThanOrEqual(0);

    const { market, chatId, threadId } = await h.linkedTopic();
    const before = await scrape(port);
    // Market's figures carry the business (several shops may share one process).
    const biz = `business="${h.market.businessId}"`;
    const sendOk = `market_bridge_market_requests_total{method="sendMessageToChat",status="200",${biz}}`;
    const send420 = `market_bridge_market_requests_total{method="sendMessageToChat",status="420",${biz}}`;
    const quota = `market_bridge_market_quota_remaining{method="sendMessageToChat",${biz}}`;
    const delivered = 'market_bridge_replies_total{outcome="delivered"}';
    const failed = 'market_bridge_replies_total{outcome="failed"}';
    const latencyCount = 'market_bridge_relay_latency_seconds_count';

    // Two replies delivered; the second one's 👍 first gets Telegram's 429 (auto-retry waits it out).
    const texts = ['Первый ответ покупателю', 'Второй ответ покупателю', 'Третий ждёт лимита', 'Четвёртый отклонён'];
    const m1 = h.says(chatId, threadId, texts[0]!);
    expect(await h.reacted(chatId, m1.message_id)).toEqual(['👍']);
    h.tg.failNext('setMessageReaction', { kind: 'status', code: 429, retryAfter: 1 });
    const m2 = h.says(chatId, threadId, texts[1]!);
    expect(await h.reacted(chatId, m2.message_id)).toEqual(['👍']);

    // A 420 makes the third wait: while it waits, it is an unsent reply in the queues.
    h.rateLimitNextSend(2_500);
    const m3 = h.says(chatId, threadId, texts[2]!);
    await h.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === m3.message_id);
    const waiting = JSON.parse((await get(port, '/healthz')).body);
    expect(waiting.queues.unsentReplies).toBe(1);
    expect(waiting.queues.oldestUnsentReplyAgeSeconds).toBeGreaterThanOrEqual(0);
    const during = await scrape(port);
    expect(v(during, 'market_bridge_queue_depth{queue="unsent_replies"}')).toBe(1);
    expect(v(during, 'market_bridge_reply_waits_total{reason="rate_limited"}')).toBe(1);
    expect(await h.reacted(chatId, m3.message_id, 8_000)).toEqual(['👍']);

    // The fourth is refused by Market (400): not delivered, the seller is told.
    h.market.failNext('sendMessageToChat', { kind: 'status', status: 400, code: 'BAD_REQUEST', message: 'chat is closed' });
    const m4 = h.says(chatId, threadId, texts[3]!);
    await h.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === m4.message_id && /❌/.test(m.text ?? ''));

    // A buyer message shown in the shop's group.
    h.market.addMessage(market.chatId, { message: 'Buyer asks about delivery' });
    texts.push('Buyer asks about delivery');
    await h.settled();

    await botMessageWith(h, 'Buyer asks about delivery');
    await eventually(
      async () => v(await scrape(port), 'market_bridge_buyer_messages_shown_total') > v(before, 'market_bridge_buyer_messages_shown_total'),
      5000,
      'the buyer message to be counted',
    );
    const after = await scrape(port);
    const sent = h.sends(market.chatId);
    const answered = (status: number) => sent.filter((r) => r.status === status).length;
    expect(v(after, delivered) - v(before, delivered)).toBe(3);
    expect(v(after, failed) - v(before, failed)).toBe(1);
    expect(v(after, latencyCount) - v(before, latencyCount)).toBe(3);
    // The reply that waited 2.5 s for the 420 is in the latency histogram above the 1 s bucket.
    const under1s = 'market_bridge_relay_latency_seconds_bucket{le="1"}';
    expect(v(after, latencyCount) - v(after, under1s)).toBeGreaterThanOrEqual(1);
    expect(v(after, sendOk) - v(before, sendOk)).toBe(answered(200));
    expect(answered(200)).toBe(3);
    expect(v(after, send420) - v(before, send420)).toBe(1);
    expect(v(after, `market_bridge_market_420_total{method="sendMessageToChat",${biz}}`)).toBe(1);
    expect(v(after, `market_bridge_market_requests_total{method="sendMessageToChat",status="400",${biz}}`)).toBe(1);
    // Every answered call but the 420 counts against the hour's quota.
    expect(v(before, quota) - v(after, quota)).toBe(sent.filter((r) => r.status !== 420).length);
    expect(v(after, 'market_bridge_telegram_429_total{method="setMessageReaction"}')).toBe(1);
    expect(v(after, 'market_bridge_buyer_messages_shown_total') - v(before, 'market_bridge_buyer_messages_shown_total')).toBe(1);
    expect(v(after, 'market_bridge_telegram_requests_total{method="sendMessage",outcome="ok"}')).toBeGreaterThan(
      v(before, 'market_bridge_telegram_requests_total{method="sendMessage",outcome="ok"}'),
    );
    expect(v(after, 'market_bridge_queue_depth{queue="unsent_replies"}')).toBe(0);
    expect(v(after, 'market_bridge_oldest_unsent_reply_age_seconds')).toBe(0);
    expect(v(after, 'market_bridge_up_seconds')).toBeGreaterThan(0);

    const metricsText = (await get(port, '/metrics')).body;
    const healthText = (await get(port, '/healthz')).body;
    expectNothingSecret(h, metricsText + healthText, texts);
    expect(JSON.parse(healthText).status).toBe('ok');
  });

  it('answers 503 with the reason when Telegram fails too long, the Api-Key is refused, or the database cannot be written', async () => {
    h = await Harness.create({
      env: { HEALTH_PORT: '0' },
      bridge: { health: { telegramDownAfterMs: 300 } },
    });
    const port = healthPort(h);
    expect((await get(port, '/healthz')).status).toBe(200);

    // Telegram answers 502 to everything (the long poll included): after the bound, 503.
    h.tg.failNext('getUpdates', { kind: 'status', code: 502 }, 1_000_000);
    h.tg.failNext('*', { kind: 'status', code: 502 }, 1_000_000);
    await eventually(async () => (await get(port, '/healthz')).status === 503, 10_000, '503 while Telegram fails');
    const down = JSON.parse((await get(port, '/healthz')).body);
    expect(down).toMatchObject({ status: 'unavailable', telegram: { reachable: false } });
    expect(down.problems).toContain('telegram unreachable for over a minute');
    h.tg.clearFaults();
    await eventually(async () => (await get(port, '/healthz')).status === 200, 10_000, '200 once Telegram answers again');

    // Market refuses the key (the key was revoked in the cabinet): 503 until Market accepts a request again.
    const { chatId, threadId } = await h.linkedTopic();
    h.market.failNext('sendMessageToChat', { kind: 'status', status: 401, code: 'UNAUTHORIZED', message: 'bad key' });
    const m = h.says(chatId, threadId, 'Ответ при отозванном ключе');
    await h.tg.waitForBotMessage((x) => x.reply_to_message?.message_id === m.message_id);
    const refused = await get(port, '/healthz');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ market: { keyRefused: true }, problems: ['market api key refused'] });
    const m2 = h.says(chatId, threadId, 'Ответ с новым ключом');
    expect(await h.reacted(chatId, m2.message_id)).toEqual(['👍']);
    expect((await get(port, '/healthz')).status).toBe(200);

    // The database refuses writes (as a read-only or full disk would): 503.
    h.bridge!.db.sqlite.pragma('query_only = ON');
    const ro = await get(port, '/healthz');
    expect(ro.status).toBe(503);
    expect(JSON.parse(ro.body)).toMatchObject({ database: { writable: false }, problems: ['database not writable'] });
    h.bridge!.db.sqlite.pragma('query_only = OFF');
    expect((await get(port, '/healthz')).status).toBe(200);
    expectNothingSecret(h, ro.body + refused.body, ['Ответ при отозванном ключе']);
  });

  it('shares the notification port when HEALTH_PORT equals it, and binds to HTTP_HOST only', async () => {
    // Sharing: both on one ephemeral port; /healthz is not taken for a notification (that route accepts any path).
    h = await Harness.create({ env: { HEALTH_PORT: '0', MARKET_NOTIFY_PORT: '0', HTTP_HOST: '127.0.0.1' } });
    const ports = h.bridge!.ports;
    expect(ports.health).toBe(ports.notify);
    const health = await get(ports.health!, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');
    // HTTP_HOST=127.0.0.1: another loopback address of this machine is not listened on.
    await expect(get(ports.health!, '/healthz', '127.0.0.2')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await h.close();

    // Without HTTP_HOST: all interfaces (127.0.0.2 answers too).
    h = await Harness.create({ env: { HEALTH_PORT: '0' } });
    expect((await get(healthPort(h), '/healthz', '127.0.0.2')).status).toBe(200);
  });

  it('is off by default', async () => {
    h = await Harness.create();
    expect(h.bridge!.ports.health).toBeUndefined();
  });
});
