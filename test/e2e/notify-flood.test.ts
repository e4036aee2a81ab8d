/**
 * A flood of forged push notifications costs bounded work (bridge/notify-gate.ts): over real HTTP, 1,000
 * notifications, mostly for chat ids nobody knows plus many for one chat the bridge knows, while a seller's reply
 * is relayed. The reply goes out ahead of the flood's look-ups, Market sees at most 60 look-ups of unknown chats,
 * the known chat is synced once or twice, and the queue of waiting chats stays within its bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { GROUP_ID, inbound, syncHarness, syncNow } from '../helpers/sync.js';

const SECRET = 'flood_test-secret-93ab41';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function messageSent(h: Harness, chatId: number, messageId: number) {
  return {
    notificationType: 'CHAT_MESSAGE_SENT',
    chatId,
    messageId: String(messageId),
    businessId: h.market.businessId,
    sentAt: new Date().toISOString(),
  };
}

/** Posts the bodies to the secret path, `parallel` at a time; resolves with the statuses. */
async function flood(url: string, bodies: unknown[], parallel = 50): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < bodies.length; i += parallel) {
    const batch = await Promise.all(
      bodies.slice(i, i + parallel).map(async (b) => {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
        await res.text();
        return res.status;
      }),
    );
    statuses.push(...batch);
  }
  return statuses;
}

const lookupOps = new Set(['getChat', 'getChatHistory']);

describe('a flood of forged notifications', () => {
  it('1,000 of them: the seller reply goes out first, ≤ 60 unknown look-ups, two syncs of the known chat, bounded queue', async () => {
    const { h: x } = await syncHarness({
      intervalMs: 3_600_000, // polling off: every look-up Market sees comes from a notification
      // Market's answers are slowed below; the harness's usual 400 ms timeout would cut them off.
      bridge: { notifyGate: { maxPending: 100 }, marketTimeoutMs: 5_000 },
      env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET },
    });
    h = x;
    const url = `http://127.0.0.1:${x.bridge!.ports.notify!}/${SECRET}`;
    const gate = x.bridge!.notifyGate!;

    // A chat the bridge knows (synced once), and a linked topic where the seller replies to another buyer.
    const known = x.market.addChat({ customerName: 'Olga' });
    x.market.addMessage(known.chatId, { sender: 'CUSTOMER', message: 'Hello' });
    await syncNow(x, known.chatId);
    const { market: buyer, chatId, threadId } = await x.linkedTopic({ customerName: 'Ivan' });

    // The known chat's sync holds its history read for a while, so the duplicates below all arrive while it runs;
    // every other read is slow too, so the flood's look-ups are still queued when the seller writes.
    x.market.failNext('getChatHistory', { kind: 'delay', ms: 4_000 });
    x.market.failNext('getChatHistory', { kind: 'delay', ms: 150 }, 500);
    x.market.failNext('getChat', { kind: 'delay', ms: 150 }, 500);
    const floodStart = x.market.requests.length;
    const bodies: unknown[] = [messageSent(x, known.chatId, 900_000)];
    expect(await flood(url, bodies)).toEqual([200]);
    await x.until(
      () => x.market.requests.some((r, i) => i >= floodStart && r.operationId === 'getChatHistory' && Number(r.query.chatId) === known.chatId),
      5000,
      'the known chat’s sync to start',
    );

    // 99 more for the known chat (new message ids, and some exact repeats), then 900 for chats nobody knows.
    const unknownIds = Array.from({ length: 900 }, (_, i) => 5_000_000 + i);
    const rest: unknown[] = [];
    for (let i = 1; i < 100; i++) rest.push(messageSent(x, known.chatId, 900_000 + (i % 40)));
    for (const id of unknownIds) rest.push(messageSent(x, id, 1));
    bodies.push(...rest);
    expect(bodies).toHaveLength(1000);
    const posted = flood(url, rest);
    await x.until(() => gate.stats().unknownLookups > 0, 5000, 'the flood to reach unknown chats');

    const reply = x.says(chatId, threadId, 'It ships today');
    expect(await x.reacted(chatId, reply.message_id)).toEqual(['👍']);
    expect((await posted).every((s) => s === 200)).toBe(true); // Market is always answered (else it retries)
    await gate.idle();
    await inbound(x).sync.idle();

    const during = x.market.requests.slice(floodStart);
    const lookups = during.filter((r) => lookupOps.has(r.operationId ?? ''));
    const unknownLookedUp = new Set(lookups.map((r) => Number(r.query.chatId)).filter((id) => unknownIds.includes(id)));
    expect(unknownLookedUp.size).toBeGreaterThan(0);
    expect(unknownLookedUp.size).toBeLessThanOrEqual(60);
    expect(lookups.filter((r) => Number(r.query.chatId) !== known.chatId).length).toBeLessThanOrEqual(120); // getChat + history each

    // The same chat, 100 notifications: one sync, and one more because some came in while it ran.
    const knownSyncs = during.filter((r) => r.operationId === 'getChatHistory' && Number(r.query.chatId) === known.chatId);
    expect(knownSyncs.length).toBe(2);

    // The seller's reply did not wait behind the flood: look-ups were still being started after it went out.
    const send = during.find((r) => r.operationId === 'sendMessageToChat')!;
    expect(send).toBeDefined();
    expect(lookups.some((r) => r.startedAt > send.startedAt)).toBe(true);
    expect(x.market.partnerTexts(buyer.chatId)).toEqual(['It ships today']);

    const stats = gate.stats();
    expect(stats.maxPendingSeen).toBeLessThanOrEqual(100);
    expect(stats.dropped.rate).toBeGreaterThanOrEqual(900 - 60);
    expect(stats).toMatchObject({ pending: 0, running: 0 });
    // Drops are logged at a sane rate, not once per notification.
    expect(x.logs.filter((l) => l.includes('notifications dropped')).length).toBeLessThanOrEqual(2);
    // Nothing for the made-up chats reached Telegram.
    expect(x.tg.botMessages(GROUP_ID).some((m) => (m.text ?? '').includes('5000'))).toBe(false);
  }, 60_000);

  it('notifications for many chats the bridge knows never hold more than maxPending waiting; the rest wait for polling', async () => {
    const { h: x } = await syncHarness({
      intervalMs: 3_600_000,
      bridge: { notifyGate: { maxPending: 20, concurrency: 2 } },
      env: { MARKET_NOTIFY_PORT: '0', MARKET_NOTIFY_SECRET: SECRET },
    });
    h = x;
    const url = `http://127.0.0.1:${x.bridge!.ports.notify!}/${SECRET}`;
    const gate = x.bridge!.notifyGate!;
    // 300 chats the database knows (as if synced before); Market no longer has them, so each sync is a 404.
    const ids = Array.from({ length: 300 }, (_, i) => 7_000_000 + i);
    const insert = x.bridge!.db.sqlite.prepare(
      `INSERT INTO market_chats (business_id, market_chat_id, type, status, context_type, created_at, updated_at) VALUES (?, ?, 'CHAT', 'NEW', 'ORDER', 0, 0)`,
    );
    for (const id of ids) insert.run(x.market.businessId, id);
    x.market.failNext('getChatHistory', { kind: 'delay', ms: 100 }, 1000);
    const floodStart = x.market.requests.length;

    const statuses = await flood(url, ids.map((id) => messageSent(x, id, 1)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const seen = gate.stats();
    expect(seen.maxPendingSeen).toBe(20);
    expect(seen.dropped.full).toBeGreaterThan(0);
    await gate.idle();
    await inbound(x).sync.idle();

    const stats = gate.stats();
    expect(stats.syncs).toBe(300 - stats.dropped.full);
    const synced = new Set(
      x.market.requests.slice(floodStart).filter((r) => r.operationId === 'getChatHistory').map((r) => Number(r.query.chatId)),
    );
    expect(synced.size).toBe(stats.syncs);
    expect(stats.unknownLookups).toBe(0);
  }, 60_000);
});
