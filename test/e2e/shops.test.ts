/**
 * Several shops in one bot, end to end: two cabinets behind one MARKET_API_URL (each fake business with its own
 * Api-Key, campaigns and chats), one bridge with MARKET_API_KEY=keyA,keyB and no MARKET_BUSINESS_ID, buyer chats of
 * both in one forum group.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, secretValues } from '../../src/config.js';
import { startBridge, StartupError, type Bridge, type BridgeOptions } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { FakeMarketShops } from '../fakes/market-shops.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { ADMIN, cmd0 } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING } from '../helpers/sync.js';

const A = { apiKey: 'ACMA:shop-alpha:0001', businessId: 501, businessName: 'Alpha', campaignId: 1_000_501 };
const B = { apiKey: 'ACMA:shop-beta:0002', businessId: 502, businessName: 'Beta', campaignId: 1_000_502 };

interface World {
  tg: FakeTelegram;
  market: FakeMarketShops;
  dir: string;
  bridge?: Bridge;
  logs: string[];
  started: string[];
}

let w: World | undefined;

afterEach(async () => {
  if (!w) return;
  const { tg, market, dir, bridge, logs } = w;
  w = undefined;
  await bridge?.stop();
  await tg.stop();
  await market.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(market.violations, 'requests that break the official spec').toEqual([]);
  const all = logs.join('');
  for (const key of [A.apiKey, B.apiKey, A2]) expect(all.includes(key), 'an Api-Key in the logs').toBe(false);
});

/** A second Api-Key of cabinet A. */
const A2 = 'ACMA:shop-alpha-second:0003';

async function world(p: { env?: Record<string, string>; bridge?: BridgeOptions; start?: boolean } = {}): Promise<World> {
  const tg = await FakeTelegram.start();
  const market = await FakeMarketShops.start([A, B], { [A2]: A.businessId });
  const dir = mkdtempSync(join(tmpdir(), 'market-bridge-shops-'));
  tg.addGroup({ id: GROUP_ID, title: 'Shops team', type: 'supergroup', forum: true });
  w = { tg, market, dir, logs: [], started: [] };
  if (p.start !== false) await startWith(w, p);
  return w;
}

async function startWith(x: World, p: { env?: Record<string, string>; bridge?: BridgeOptions } = {}): Promise<Bridge> {
  const parsed = parseConfig({
    TELEGRAM_BOT_TOKEN: x.tg.token,
    TELEGRAM_API_ROOT: x.tg.apiRoot,
    TELEGRAM_ADMIN_IDS: String(ADMIN.id),
    TELEGRAM_CHAT_ID: String(GROUP_ID),
    MARKET_API_KEY: `${A.apiKey},${B.apiKey}`,
    MARKET_API_URL: x.market.url,
    DATABASE_PATH: join(x.dir, 'bridge.sqlite'),
    LOG_LEVEL: 'debug',
    ...p.env,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const log = createLogger({ level: 'debug', secrets: secretValues(parsed.config), destination: { write: (l: string) => void x.logs.push(l) } });
  x.bridge = await startBridge(parsed.config, {
    log,
    marketTimeoutMs: 400,
    pollTimeoutSeconds: 1,
    shutdownGraceMs: 1000,
    onStarted: (line) => x.started.push(line),
    ...p.bridge,
    relayPolicy: { backoffMs: () => 20, noticeAfterMs: 0, reconcileAfterMs: 500, ...p.bridge?.relayPolicy },
    inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 3_600_000 }, ...p.bridge?.inbound },
  });
  return x.bridge;
}

/** Brings one shop's chat into Telegram as a notification would, and waits until it is shown. */
async function syncShop(x: World, businessId: number, chatId: number): Promise<void> {
  const part = x.bridge!.inbound!.shops.get(businessId)!;
  await part.syncChat(chatId, 'test');
  await part.sync.idle();
  await x.bridge!.inbound!.outbox.idle();
}

/** Chat 7 with a buyer message in both cabinets, shown in its own topic per shop. */
async function chat7InBothShops(x: World) {
  const a = x.market.of(A.businessId);
  const b = x.market.of(B.businessId);
  for (const m of [a, b]) m.addChat({ chatId: 7, customerName: 'Buyer', context: { type: 'ORDER', orderId: 70 } });
  for (const m of [a, b]) m.addMessage(7, { message: 'first' });
  await syncShop(x, A.businessId, 7);
  await syncShop(x, B.businessId, 7);
  return { a, b, alpha: topicOf(x, /^Alpha · /)!, beta: topicOf(x, /^Beta · /)! };
}

const topicOf = (x: World, name: RegExp) => x.tg.topics(GROUP_ID).find((t) => t.createdByBot && !t.deleted && name.test(t.name));
const sentTexts = (x: World, businessId: number) =>
  x.market
    .of(businessId)
    .requests.filter((r) => r.operationId === 'sendMessageToChat' && r.status === 200)
    .map((r) => `${r.query.chatId}:${(r.body as { message: string }).message}`);

describe('several shops in one bot', () => {
  it('finds each key’s business by itself and says at start which shops it serves and where their chats go', async () => {
    const x = await world();
    expect(x.bridge!.shops.all().map((s) => [s.businessId, s.name, s.campaigns.map((c) => c.id)])).toEqual([
      [501, 'Alpha', [A.campaignId]],
      [502, 'Beta', [B.campaignId]],
    ]);
    expect(x.started).toEqual([`Shops: Alpha (501), Beta (502); their buyer chats go to ${GROUP_ID}`]);
    // Each key was only ever sent with its own business's paths.
    for (const s of [A, B]) {
      const scoped = x.market.of(s.businessId).requests.filter((r) => r.path.startsWith('/v2/businesses/'));
      expect(scoped.every((r) => r.path.startsWith(`/v2/businesses/${s.businessId}/`))).toBe(true);
    }
  });

  it('the same chat id in two businesses: two topics titled with the shop, each reply reaches its own business only', async () => {
    const x = await world();
    for (const [s, who] of [[A, 'Anna'], [B, 'Boris']] as const) {
      const m = x.market.of(s.businessId);
      m.addChat({ chatId: 42, customerName: who, context: { type: 'ORDER', orderId: s.businessId * 10 } });
      m.addMessage(42, { message: `hello ${s.businessName}` });
      await syncShop(x, s.businessId, 42);
    }
    const alpha = topicOf(x, /^Alpha · /);
    const beta = topicOf(x, /^Beta · /);
    expect(alpha, JSON.stringify(x.tg.topics(GROUP_ID))).toBeDefined();
    expect(beta).toBeDefined();
    expect(alpha!.message_thread_id).not.toBe(beta!.message_thread_id);
    const inTopic = (id: number) => x.tg.botMessages(GROUP_ID, id).map((m) => m.text ?? '');
    expect(inTopic(alpha!.message_thread_id).join('\n')).toContain('hello Alpha');
    expect(inTopic(alpha!.message_thread_id).join('\n')).not.toContain('hello Beta');
    expect(inTopic(alpha!.message_thread_id)[0]).toContain('🏪 Shop: Alpha');
    expect(inTopic(beta!.message_thread_id).join('\n')).toContain('hello Beta');

    const toA = x.tg.userSends({ chatId: GROUP_ID, threadId: alpha!.message_thread_id, from: ADMIN, text: 'reply to Anna' });
    const toB = x.tg.userSends({ chatId: GROUP_ID, threadId: beta!.message_thread_id, from: ADMIN, text: 'reply to Boris' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === toA.message_id && c.ok);
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === toB.message_id && c.ok);
    expect(sentTexts(x, A.businessId)).toEqual(['42:reply to Anna']);
    expect(sentTexts(x, B.businessId)).toEqual(['42:reply to Boris']);
    const rows = x.bridge!.db.sqlite
      .prepare('SELECT business_id AS b, market_chat_id AS c, text FROM relays ORDER BY id')
      .all() as { b: number; c: number; text: string }[];
    expect(rows).toEqual([
      { b: 501, c: 42, text: 'reply to Anna' },
      { b: 502, c: 42, text: 'reply to Boris' },
    ]);
  });

  it('shop A’s quota used up and then its Market down: shop B’s reply and sync go through meanwhile', async () => {
    const x = await world();
    const { a, b, alpha, beta } = await chat7InBothShops(x);

    // A's send is refused with a resource 420 an hour ahead: A's reply waits out A's quota.
    a.failNext('sendMessageToChat', {
      kind: 'status',
      status: 420,
      headers: { 'X-RateLimit-Resource-Until': new Date(Math.ceil((Date.now() + 3_600_000) / 1000) * 1000).toUTCString() },
    });
    const toA = x.tg.userSends({ chatId: GROUP_ID, threadId: alpha.message_thread_id, from: ADMIN, text: 'A waits' });
    await x.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === toA.message_id);
    expect(x.bridge!.shops.get(A.businessId)!.limits.blockedUntil('sendMessageToChat', 'relay')).toBeGreaterThan(Date.now());
    expect(x.bridge!.shops.get(B.businessId)!.limits.blockedUntil('sendMessageToChat', 'relay')).toBeUndefined();

    // And now A's Market answers nothing but 503.
    a.failNext('*', { kind: 'status', status: 503 }, 1000);
    const toB = x.tg.userSends({ chatId: GROUP_ID, threadId: beta.message_thread_id, from: ADMIN, text: 'B goes' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === toB.message_id && c.ok);
    expect(sentTexts(x, B.businessId)).toEqual(['7:B goes']);
    b.addMessage(7, { message: 'second for B' });
    await syncShop(x, B.businessId, 7);
    expect(x.tg.botMessages(GROUP_ID, beta.message_thread_id).map((m) => m.text ?? '').join('\n')).toContain('second for B');
    // A's reply is still waiting (nothing of A's went out), not lost and not sent to B.
    const rowA = x.bridge!.db.sqlite.prepare('SELECT state, business_id AS b FROM relays WHERE tg_message_id = ?').get(toA.message_id);
    expect(rowA).toEqual({ state: 'pending', b: 501 });
    expect(sentTexts(x, A.businessId)).toEqual([]);
  });

  it('/healthz and /metrics per shop: A’s revoked key stays a problem while B works; requests and quotas carry the business', async () => {
    const x = await world({ env: { HEALTH_PORT: '0', HTTP_HOST: '127.0.0.1' } });
    const port = x.bridge!.ports.health!;
    const { a, b, alpha, beta } = await chat7InBothShops(x);
    const ok = await httpGet(port, '/healthz');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).market.shops).toEqual([
      expect.objectContaining({ businessId: 501, name: 'Alpha', reachable: true, keyRefused: false }),
      expect.objectContaining({ businessId: 502, name: 'Beta', reachable: true, keyRefused: false }),
    ]);

    // A's key is revoked in A's cabinet; B's replies keep going through. A stays a problem: B's 200s do not clear it.
    a.failNext('sendMessageToChat', { kind: 'status', status: 401, code: 'UNAUTHORIZED', message: 'bad key' });
    const toA = x.tg.userSends({ chatId: GROUP_ID, threadId: alpha.message_thread_id, from: ADMIN, text: 'to A, refused' });
    await x.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === toA.message_id);
    const toB = x.tg.userSends({ chatId: GROUP_ID, threadId: beta.message_thread_id, from: ADMIN, text: 'to B, fine' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === toB.message_id && c.ok);
    const down = await httpGet(port, '/healthz');
    expect(down.status).toBe(503);
    const report = JSON.parse(down.body);
    expect(report.problems).toEqual(['market api key refused (business 501)']);
    expect(report.market).toMatchObject({ keyRefused: true });
    expect(report.market.shops).toEqual([
      expect.objectContaining({ businessId: 501, keyRefused: true }),
      expect.objectContaining({ businessId: 502, keyRefused: false, reachable: true }),
    ]);

    const metrics = (await httpGet(port, '/metrics')).body;
    expect(metrics).toContain('market_bridge_market_requests_total{method="sendMessageToChat",status="401",business="501"} 1');
    expect(metrics).toContain('market_bridge_market_requests_total{method="sendMessageToChat",status="200",business="502"} 1');
    expect(metrics).toMatch(/market_bridge_market_quota_remaining\{method="sendMessageToChat",business="501"\} \d+/);
    expect(metrics).toMatch(/market_bridge_market_quota_remaining\{method="sendMessageToChat",business="502"\} \d+/);
    for (const key of [A.apiKey, B.apiKey]) expect(metrics + down.body, 'an Api-Key').not.toContain(key);

    // A's Market accepts the key again (it was restored in the cabinet): A's next reply clears the problem.
    const again = x.tg.userSends({ chatId: GROUP_ID, threadId: alpha.message_thread_id, from: ADMIN, text: 'to A, accepted' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === again.message_id && c.ok);
    expect((await httpGet(port, '/healthz')).status).toBe(200);
  });

  it('/link <chat id> in a group with both shops asks which shop when both have that chat; the button links it', async () => {
    const x = await world();
    for (const s of [A, B]) x.market.of(s.businessId).addChat({ chatId: 99, customerName: `buyer of ${s.businessName}` });
    const topic = x.tg.createTopic(GROUP_ID, 'Manual');
    const cmd = x.tg.userSends({ chatId: GROUP_ID, threadId: topic.message_thread_id, from: ADMIN, text: '/link 99', entities: [cmd0('/link')] });
    const ask = await x.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === cmd.message_id);
    expect(ask.text).toContain('exists in several shops');
    const buttons = ask.reply_markup!.inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(['Alpha', 'Beta']);
    x.tg.userPressesButton({ chatId: GROUP_ID, messageId: ask.message_id, from: ADMIN, data: (buttons[1] as { callback_data: string }).callback_data });
    const card = await x.tg.waitForBotMessage((m) => m.message_id > ask.message_id && (m.text ?? '').includes('Linked to Market chat 99'));
    expect(card.text).toContain('Shop: Beta');
    const said = x.tg.userSends({ chatId: GROUP_ID, threadId: topic.message_thread_id, from: ADMIN, text: 'to Beta’s buyer' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === said.message_id && c.ok);
    expect(sentTexts(x, B.businessId)).toEqual(['99:to Beta’s buyer']);
    expect(sentTexts(x, A.businessId)).toEqual([]);

    // `/link <shop> <chat id>` names the shop outright.
    const other = x.tg.createTopic(GROUP_ID, 'Manual 2');
    const named = x.tg.userSends({ chatId: GROUP_ID, threadId: other.message_thread_id, from: ADMIN, text: '/link alpha 99', entities: [cmd0('/link')] });
    const card2 = await x.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === named.message_id);
    expect(card2.text).toContain('Shop: Alpha');
  });

  it('a push notification goes to its business’s shop; one of a business not served here is answered 200 and ignored', async () => {
    const SECRET = 'notify-secret-for-shops-0123';
    const x = await world({ env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET } });
    for (const s of [A, B]) x.market.of(s.businessId).addChat({ chatId: 42, customerName: s.businessName });
    const m = x.market.of(B.businessId).addMessage(42, { message: 'pushed to Beta' });
    const post = (businessId: number) =>
      fetch(`http://127.0.0.1:${x.bridge!.ports.notify!}/${SECRET}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ notificationType: 'CHAT_MESSAGE_SENT', chatId: 42, messageId: String(m.messageId), businessId, sentAt: new Date().toISOString() }),
      });
    // The start's first scan of each shop has ended (it reads every chat once).
    const scanned = (id: number) =>
      x.bridge!.db.sqlite.prepare('SELECT 1 FROM kv WHERE key = ?').get(`inbound.firstFullScanAt@${id}`) !== undefined;
    for (let i = 0; i < 250 && !(scanned(A.businessId) && scanned(B.businessId)); i++) await new Promise((r) => setTimeout(r, 20));
    await x.bridge!.inbound!.shops.get(A.businessId)!.sync.idle();
    const history = (id: number) => x.market.of(id).requests.filter((r) => r.operationId === 'getChatHistory').length;
    const aBefore = history(A.businessId);
    expect((await post(999)).status).toBe(200);
    expect((await post(B.businessId)).status).toBe(200);
    await x.tg.waitForBotMessage((msg) => (msg.text ?? '').includes('pushed to Beta'));
    await x.bridge!.notifyGate!.idle();
    expect(history(B.businessId)).toBeGreaterThan(0);
    expect(history(A.businessId)).toBe(aBefore);
    expect(x.logs.join('')).toContain('notification for another business ignored');
  });

  it('two keys of one cabinet are one shop (the first key listed is used); a key Market refuses stops the start naming its place', async () => {
    const x = await world({ start: false });
    await startWith(x, { env: { MARKET_API_KEY: `${A2}, ${A.apiKey},${B.apiKey}` } });
    expect(x.bridge!.shops.all().map((s) => [s.businessId, s.keyIndex])).toEqual([
      [501, 1],
      [502, 3],
    ]);
    // Shop A's chat requests carry the first key listed for it.
    x.market.of(A.businessId).addChat({ chatId: 5 });
    await syncShop(x, A.businessId, 5);
    const chatReads = x.market.keys.filter((r) => r.path.startsWith('/v2/businesses/501/'));
    expect(chatReads.length).toBeGreaterThan(0);
    expect(chatReads.every((r) => r.key === A2)).toBe(true);
    await x.bridge!.stop();
    x.bridge = undefined;
    const err = await startWith(x, { env: { MARKET_API_KEY: `${A.apiKey},ACMA:not-a-key:9` } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as StartupError).lines).toEqual([expect.stringMatching(/^MARKET_API_KEY \(key 2 of the list\) was refused by Market \(401/)]);
    expect((err as StartupError).message).not.toContain('not-a-key');
  });
  it('set up from Telegram: /setup places one shop in a second group; each shop’s buyers appear in their own group, and replies reach their own business, also after a restart', async () => {
    const x = await world();
    const second = x.tg.addGroup({ title: 'Beta team', forum: true });
    const ask = x.tg.userSends({ chatId: second.id, from: ADMIN, text: '/setup', entities: [cmd0('/setup')] });
    const question = await x.tg.waitForBotMessage((m) => m.chat.id === second.id && m.reply_markup !== undefined);
    void ask;
    const pressed = x.tg.userPressesButton({ chatId: second.id, messageId: question.message_id, from: ADMIN, data: `setup:${B.businessId}` });
    await x.tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === pressed);
    expect(x.bridge!.db.sqlite.prepare('SELECT business_id AS b, tg_chat_id AS c FROM shop_places').all()).toEqual([
      { b: B.businessId, c: second.id },
    ]);

    for (const [s, who] of [[A, 'Anna'], [B, 'Boris']] as const) {
      const m = x.market.of(s.businessId);
      m.addChat({ chatId: 42, customerName: who, context: { type: 'ORDER', orderId: s.businessId * 10 } });
      m.addMessage(42, { message: `hello ${s.businessName}` });
      await syncShop(x, s.businessId, 42);
    }
    const live = (chatId: number) => x.tg.topics(chatId).filter((t) => t.createdByBot && !t.deleted);
    // One shop per group now: no shop name in the titles, each group shows only its own shop's buyer.
    expect(live(GROUP_ID).map((t) => t.name)).toEqual([expect.stringMatching(/Anna/)]);
    expect(live(second.id).map((t) => t.name)).toEqual([expect.stringMatching(/Boris/)]);
    expect(live(GROUP_ID)[0]!.name).not.toMatch(/^Alpha · /);
    const inTopic = (chatId: number, id: number) => x.tg.botMessages(chatId, id).map((m) => m.text ?? '').join('\n');
    expect(inTopic(GROUP_ID, live(GROUP_ID)[0]!.message_thread_id)).toContain('hello Alpha');
    expect(inTopic(second.id, live(second.id)[0]!.message_thread_id)).toContain('hello Beta');

    const toB = x.tg.userSends({ chatId: second.id, threadId: live(second.id)[0]!.message_thread_id, from: ADMIN, text: 'reply to Boris' });
    await x.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === toB.message_id && c.ok);
    expect(sentTexts(x, B.businessId)).toEqual(['42:reply to Boris']);
    expect(sentTexts(x, A.businessId)).toEqual([]);

    // After a restart the place holds: Beta's next buyer message arrives in the second group again.
    await x.bridge!.stop();
    await startWith(x);
    x.market.of(B.businessId).addMessage(42, { message: 'thanks' });
    await syncShop(x, B.businessId, 42);
    expect(inTopic(second.id, live(second.id)[0]!.message_thread_id)).toContain('thanks');
    expect(live(GROUP_ID)).toHaveLength(1);
  });
});

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
