/**
 * MARKET_NOTIFY_SECRET end to end: the bridge takes Market's push notifications only at /<secret> and
 * /<secret>/notification; a forged one anywhere else gets 404 and costs no Market request. Without a secret and
 * without MARKET_NOTIFY_ALLOW_IPS the start warns that anyone can post.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING } from '../helpers/sync.js';

const SECRET = 'Mkt_notify-7c1e9b4d2a';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function notifyHarness(env: Record<string, string>): Promise<{ x: Harness; url: string }> {
  const x = await Harness.create({
    env: { TELEGRAM_CHAT_ID: String(GROUP_ID), MARKET_NOTIFY_PORT: '0', ...env },
    start: false,
    // Polling effectively off: only a notification can bring a message in during the test.
    bridge: { inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 3_600_000 } } },
  });
  h = x;
  x.tg.addGroup({ id: GROUP_ID, title: 'Shop team', forum: true });
  await x.start();
  await x.tg.waitForCall('getUpdates');
  await x.bridge!.inbound!.sync.idle();
  return { x, url: `http://127.0.0.1:${x.bridge!.ports.notify!}` };
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const WARNING = 'anyone who finds the port can post notifications';

describe('MARKET_NOTIFY_SECRET', () => {
  it('a notification at any other path gets 404 and costs no Market request; at /<secret> it brings the message in', async () => {
    const { x, url } = await notifyHarness({ MARKET_NOTIFY_SECRET: SECRET });
    const chat = x.market.addChat({ customerName: 'Olga' });
    const msg = x.market.addMessage(chat.chatId, { sender: 'CUSTOMER', message: 'Is it in stock?' });
    const note = (messageId: number) => ({
      notificationType: 'CHAT_MESSAGE_SENT',
      chatId: chat.chatId,
      messageId: String(messageId),
      businessId: x.market.businessId,
      sentAt: new Date().toISOString(),
    });
    const before = x.market.requests.length;
    for (const path of ['/', '/notification', `/${SECRET.slice(0, -1)}`, `/${SECRET}x/notification`, `/x/${SECRET}`]) {
      const res = await post(url + path, note(msg.messageId));
      expect(res.status, path).toBe(404);
      await res.text();
    }
    await x.bridge!.inbound!.sync.idle();
    expect(x.market.requests.slice(before)).toEqual([]);
    expect(x.tg.botMessages(GROUP_ID)).toEqual([]);

    const ok = await post(`${url}/${SECRET}`, note(msg.messageId));
    expect(ok.status).toBe(200);
    await ok.json();
    await x.tg.waitForBotMessage((m) => (m.text ?? '').includes('Is it in stock?'), 5000);

    const second = x.market.addMessage(chat.chatId, { sender: 'CUSTOMER', message: 'And in blue?' });
    const ok2 = await post(`${url}/${SECRET}/notification`, note(second.messageId));
    expect(ok2.status).toBe(200);
    await ok2.json();
    await x.tg.waitForBotMessage((m) => (m.text ?? '').includes('And in blue?'), 5000);

    expect(x.logs.join('').includes(WARNING)).toBe(false);
    expect(x.logs.join('').includes(SECRET)).toBe(false); // close() checks it again, after every line
  });
});

describe('the start-up warning', () => {
  it('without MARKET_NOTIFY_SECRET and MARKET_NOTIFY_ALLOW_IPS the start warns that anyone can post', async () => {
    const { x } = await notifyHarness({});
    const line = x.logs.find((l) => l.includes(WARNING));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: 40 });
    expect(line).toContain('MARKET_NOTIFY_SECRET');
  });

  it('with MARKET_NOTIFY_ALLOW_IPS alone there is no warning', async () => {
    const { x } = await notifyHarness({ MARKET_NOTIFY_ALLOW_IPS: '127.0.0.0/8,::1' });
    expect(x.logs.some((l) => l.includes(WARNING))).toBe(false);
  });
});
