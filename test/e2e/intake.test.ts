/**
 * How updates and notifications come in: BOT_MODE=webhook (Telegram POSTs updates with the secret header; anything
 * without it gets 401 and is not processed), Market's push notifications on MARKET_NOTIFY_PORT (alone or on the
 * webhook's port), and polling mode clearing a webhook left from an earlier setup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/env.js';
import { ADMIN, Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});


const SECRET = 'webhook_secret-123';

/** A bridge in webhook mode; `MARKET_NOTIFY_PORT: 'same'` puts the notification endpoint on the webhook's port. */
async function webhookHarness(extra: { MARKET_NOTIFY_PORT?: 'same' } = {}): Promise<{ h: Harness; port: number }> {
  const port = await freePort();
  const x = await Harness.create({
    env: {
      BOT_MODE: 'webhook',
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_PORT: String(port),
      ...(extra.MARKET_NOTIFY_PORT === 'same' ? { MARKET_NOTIFY_PORT: String(port) } : {}),
    },
  });
  return { h: x, port };
}

describe('webhook mode', () => {
  it('registers the webhook with its secret and relays updates Telegram POSTs to it', async () => {
    const w = await webhookHarness();
    h = w.h;
    const setWebhook = await h.tg.waitForCall('setWebhook');
    expect(setWebhook.params).toMatchObject({ url: `http://127.0.0.1:${w.port}/telegram/hook`, secret_token: SECRET });
    expect(h.tg.calls.some((c) => c.method === 'getUpdates')).toBe(false);

    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'Sent through the webhook');
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Sent through the webhook']);
    expect(h.tg.webhookDeliveries.length).toBeGreaterThan(0);
  });

  it('a request without the right secret header gets 401 and is not processed', async () => {
    const w = await webhookHarness();
    h = w.h;
    const { market, chatId, threadId } = await h.linkedTopic();
    const sendsBefore = h.sends().length;
    const forged = {
      update_id: 999_999,
      message: {
        message_id: 4242,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: 'supergroup', title: 'Shop team', is_forum: true },
        from: ADMIN,
        text: 'forged: send this to the buyer',
        message_thread_id: threadId,
        is_topic_message: true,
      },
    };
    const attempts: Record<string, string>[] = [{}, { 'X-Telegram-Bot-Api-Secret-Token': 'wrong' }];
    for (const headers of attempts) {
      const res = await fetch(`http://127.0.0.1:${w.port}/telegram/hook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(forged),
      });
      expect(res.status).toBe(401);
    }
    // A real message after the forged ones is relayed; the forged text never reached Market.
    const m = h.says(chatId, threadId, 'the real one');
    await h.reacted(chatId, m.message_id);
    expect(h.sends().length).toBe(sendsBefore + 1);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['the real one']);
  });

  it('serves Market notifications on the same port when MARKET_NOTIFY_PORT equals WEBHOOK_PORT', async () => {
    const w = await webhookHarness({ MARKET_NOTIFY_PORT: 'same' });
    h = w.h;
    const port = w.port;
    expect(h.bridge!.ports).toEqual({ webhook: port, notify: port });
    const res = await fetch(`http://127.0.0.1:${port}/market/notification`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ notificationType: 'PING', time: new Date().toISOString() }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { version: string; name: string; time: string };
    expect(body).toMatchObject({ version: '1.0.0', name: 'market-bridge' });
    expect(Number.isNaN(Date.parse(body.time))).toBe(false);
  });
});

describe('polling mode', () => {
  it('clears a webhook left from an earlier setup before polling', async () => {
    h = await Harness.create();
    const del = await h.tg.waitForCall('deleteWebhook');
    const firstPoll = await h.tg.waitForCall('getUpdates');
    expect(del.at).toBeLessThan(firstPoll.at);
    expect(del.params.drop_pending_updates).toBeUndefined();
  });
});

describe('push notifications', () => {
  it('a CHAT_MESSAGE_SENT brings the buyer message into its topic at once, without waiting for polling', async () => {
    const x = await Harness.create({
      env: { TELEGRAM_CHAT_ID: String(GROUP_ID), MARKET_NOTIFY_PORT: '0' },
      start: false,
      // Polling effectively off: only the notification can bring the message in time.
      bridge: { inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 3_600_000 } } },
    });
    h = x;
    x.tg.addGroup({ id: GROUP_ID, title: 'Shop team', forum: true });
    await x.start();
    const port = x.bridge!.ports.notify!;
    expect(port).toBeGreaterThan(0);
    await x.tg.waitForCall('getUpdates');
    await new Promise((r) => setTimeout(r, 300)); // the first scan (nothing to show) is done

    const chat = x.market.addChat({ customerName: 'Olga' });
    const msg = x.market.addMessage(chat.chatId, { sender: 'CUSTOMER', message: 'Where is my parcel?' });
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        notificationType: 'CHAT_MESSAGE_SENT',
        chatId: chat.chatId,
        messageId: String(msg.messageId),
        businessId: x.market.businessId,
        sentAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(200);
    const posted = await x.tg.waitForBotMessage((m) => (m.text ?? '').includes('Where is my parcel?'), 5000);
    expect(posted.chat.id).toBe(GROUP_ID);
    expect(posted.message_thread_id).toBeDefined();
  });
});
