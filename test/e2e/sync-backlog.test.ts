/**
 * Issue 13, a buyer backlog: when a chat's messages would wait behind Telegram's pacing, they are shown together in
 * as few posts as 4096 characters allow (each with its sender and time), files alone at their place, order kept,
 * once only (the repeat mark on a combined post after a crash), and a reply to a combined post answers that chat.
 *
 * The group's window is a real one (60 sends a minute here, so its reserve for combined posts is 9 sends); other traffic in
 * the group is stood in for by empty tasks through the bridge's own outbox, which leave the room a test needs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/texts.js';
import { TELEGRAM_PACING } from '../../src/telegram/outbox.js';
import { TINY_JPEG } from '../fakes/telegram.js';
import { FakeYandexTranslate } from '../fakes/translate-yandex.js';
import type { FakeTranslateServer } from '../fakes/translate-common.js';
import { ADMIN, cmd0, type Harness } from '../helpers/harness.js';
import { GROUP_ID, LIFTED_PACING, botTexts, inbound, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
let fake: FakeTranslateServer | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.stop();
  h = undefined;
  fake = undefined;
});

const DAY = 24 * 60 * 60_000;
/** A window of 60 sends a minute per group: its reserve for combined posts is 9. */
const PACING = { groupPerMinute: 60, privatePerSecond: 1_000_000, globalPerSecond: 1_000_000 };
const BRIDGE = { inbound: { pacing: PACING, sync: { backfillMs: 7 * DAY } } };

/** Other posts in the group use its window until only `free` sends are left in it. */
async function leaveRoom(x: Harness, free: number, tgChatId = GROUP_ID): Promise<void> {
  const outbox = inbound(x).outbox;
  while (outbox.room(tgChatId).free > free) await outbox.run(tgChatId, async () => undefined);
}

/** Market's ISO time `ms` ago, as the fake writes it (Moscow offset). */
const isoAgo = (ms: number) => new Date(Date.now() - ms + 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, '+03:00');

/** "14:05" in Moscow (BOT_TIMEZONE's default), read independently of the bridge's formatting. */
function moscowTime(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Moscow', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** "29 Nov 14:05 MSK" ("29 Dec 2025 14:05 MSK" in another year): a day other than today. */
function moscowDayAndTime(iso: string): string {
  const parts = (at: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en', { timeZone: 'Europe/Moscow', year: 'numeric', day: 'numeric', month: 'short' }).formatToParts(at).map((p) => [p.type, p.value]),
    );
  const then = parts(new Date(iso));
  const year = then.year !== parts(new Date()).year ? ` ${then.year}` : '';
  return `${then.day} ${then.month}${year} ${moscowTime(iso)} MSK`;
}

/** A chat with its topic and first message shown (topic, card, one post), ready for a backlog. */
async function chatWithTopic(x: Harness, customerName = 'Ivan', first = 'Hello') {
  const chat = x.market.addChat({ customerName });
  x.market.addMessage(chat.chatId, { message: first });
  await syncNow(x, chat.chatId);
  const thread = liveTopics(x).find((tp) => tp.name.includes(customerName))!.message_thread_id;
  return { chat, thread };
}

/** The inbound rows of a chat, oldest first. */
function rows(x: Harness, marketChatId: number) {
  return x.rows<{ market_message_id: number; state: string; part_in_flight: number | null; tg_message_id: number | null }>(
    'SELECT market_message_id, state, part_in_flight, tg_message_id FROM inbound_messages WHERE market_chat_id = ? ORDER BY market_message_id',
    marketChatId,
  );
}

describe('a buyer backlog in combined posts', () => {
  it('shows a backlog that would wait in one post: each entry with its sender and time (the day only when not today), in order', async () => {
    ({ h } = await syncHarness({ bridge: BRIDGE }));
    const { chat, thread } = await chatWithTopic(h);
    const before = h.tg.botMessages(GROUP_ID, thread).length;
    await leaveRoom(h, 3);
    const old = isoAgo(3 * DAY);
    const now = isoAgo(0);
    h.market.addMessage(chat.chatId, { message: 'Sent days ago', createdAt: old });
    h.market.addMessage(chat.chatId, { sender: 'MARKET', message: 'The order has been handed to the courier.', createdAt: now });
    h.market.addMessage(chat.chatId, { sender: 'SUPPORT', message: 'Support is watching this chat.', createdAt: now });
    h.market.addMessage(chat.chatId, { message: 'Thanks!', createdAt: now });
    await syncNow(h, chat.chatId);

    const posts = h.tg.botMessages(GROUP_ID, thread).slice(before);
    expect(posts.map((m) => m.text)).toEqual([
      [
        `👤 Buyer · ${moscowDayAndTime(old)}\nSent days ago`,
        `🤖 Market (automatic message) · ${moscowTime(now)}\nThe order has been handed to the courier.`,
        `🛟 Market support · ${moscowTime(now)}\nSupport is watching this chat.`,
        `👤 Buyer · ${moscowTime(now)}\nThanks!`,
      ].join('\n\n'),
    ]);
    // All four delivered in that one Telegram message.
    const shown = rows(h, chat.chatId).slice(1);
    expect(shown.map((r) => [r.state, r.part_in_flight, r.tg_message_id])).toEqual(Array(4).fill(['delivered', null, posts[0]!.message_id]));
  });

  it('splits a long backlog at 4096 characters (room kept for the repeat mark), in as few posts as fit, order kept', async () => {
    ({ h } = await syncHarness({ bridge: BRIDGE }));
    const { chat, thread } = await chatWithTopic(h);
    const before = h.tg.botMessages(GROUP_ID, thread).length;
    await leaveRoom(h, 4);
    const sent = Array.from({ length: 60 }, (_, i) => `Message ${i + 1}: ${'where is my parcel, please tell me '.repeat(4).trim()}`);
    for (const message of sent) h.market.addMessage(chat.chatId, { message });
    await syncNow(h, chat.chatId);

    const posts = h.tg.botMessages(GROUP_ID, thread).slice(before).map((m) => m.text!);
    const entries = posts.map((p) => p.split('\n\n').map((e) => e.split('\n')));
    expect(entries.flat().map(([, text]) => text)).toEqual(sent);
    expect(entries.flat().every(([head]) => /^👤 Buyer · \d\d:\d\d$/.test(head!))).toBe(true);
    for (const p of posts) expect(p.length).toBeLessThanOrEqual(4096 - 100);
    // As few posts as fit: none could have taken the first entry of the next.
    for (let i = 0; i + 1 < posts.length; i++) {
      expect(posts[i]!.length + 2 + entries[i + 1]![0]!.join('\n').length).toBeGreaterThan(4096 - 100);
    }
    expect(posts.length).toBeGreaterThan(1);
  });

  it('posts files, and a text longer than one post, alone at their place in the order', async () => {
    ({ h } = await syncHarness({ bridge: BRIDGE }));
    const { chat, thread } = await chatWithTopic(h);
    const before = h.tg.botMessages(GROUP_ID, thread).length;
    await leaveRoom(h, 6);
    const photo = h.market.addFile('parcel.jpg', TINY_JPEG, 'image/jpeg');
    const long = `Long: ${'x'.repeat(5000)}`;
    h.market.addMessage(chat.chatId, { message: 'one' });
    h.market.addMessage(chat.chatId, { message: 'two' });
    h.market.addMessage(chat.chatId, { payload: [{ name: 'parcel.jpg', url: photo, size: TINY_JPEG.length }] });
    h.market.addMessage(chat.chatId, { message: 'three' });
    h.market.addMessage(chat.chatId, { message: 'four' });
    h.market.addMessage(chat.chatId, { message: long });
    h.market.addMessage(chat.chatId, { message: 'five' });
    h.market.addMessage(chat.chatId, { message: 'six' });
    await syncNow(h, chat.chatId);

    const posts = h.tg.botMessages(GROUP_ID, thread).slice(before);
    const shape = posts.map((m) => (m.photo ? 'photo' : (m.text ?? '').replace(/ · \d\d:\d\d/g, '').replace(/x{10,}/g, 'x…')));
    expect(shape).toEqual([
      '👤 Buyer\none\n\n👤 Buyer\ntwo',
      'photo',
      '👤 Buyer\nthree\n\n👤 Buyer\nfour',
      '👤 Buyer\nLong: x…',
      'x…',
      '👤 Buyer\nfive\n\n👤 Buyer\nsix',
    ]);
    expect(posts[1]!.caption).toBe('👤 Buyer');
    expect(rows(h, chat.chatId).every((r) => r.state === 'delivered')).toBe(true);
  });

  it('a single fresh message, and a few in a quiet group, look exactly as before, with Telegram’s real pacing', async () => {
    ({ h } = await syncHarness({ bridge: { inbound: { pacing: TELEGRAM_PACING } } }));
    const chat = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(chat.chatId, { message: 'Is it in stock?' });
    await syncNow(h, chat.chatId);
    const thread = liveTopics(h)[0]!.message_thread_id;
    h.market.addMessage(chat.chatId, { message: 'And in blue?' });
    h.market.addMessage(chat.chatId, { message: 'Size M' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID, thread).slice(1)).toEqual(['👤 Buyer\nIs it in stock?', '👤 Buyer\nAnd in blue?', '👤 Buyer\nSize M']);
  });

  it('a combined post whose answer was lost is posted again once, marked, after a restart; fresh messages are never in the marked post', async () => {
    ({ h } = await syncHarness({ bridge: BRIDGE }));
    const { chat, thread } = await chatWithTopic(h);
    await leaveRoom(h, 2);
    for (const message of ['a', 'b', 'c']) h.market.addMessage(chat.chatId, { message });
    // Telegram takes the combined post, then the connection drops before the answer: it may be there.
    h.tg.failNext('sendMessage', { kind: 'dropAnswer' });
    await syncNow(h, chat.chatId).catch(() => undefined);
    expect(rows(h, chat.chatId).slice(1).map((r) => [r.state, r.part_in_flight])).toEqual(Array(3).fill(['pending', 0]));
    h.market.addMessage(chat.chatId, { message: 'd' });
    await h.restart({ inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000, backfillMs: 7 * DAY } } });
    await h.until(() => botTexts(h!, GROUP_ID, thread).some((x) => x.includes('\nd')), 5000, 'the repeat and the fresh message');
    await syncNow(h, chat.chatId);

    const texts = botTexts(h, GROUP_ID, thread).slice(2).map((x) => x.replace(/ · \d\d:\d\d/g, ''));
    expect(texts).toEqual([
      '👤 Buyer\na\n\n👤 Buyer\nb\n\n👤 Buyer\nc',
      `${t('inbound.mayRepeatSeveral')}\n👤 Buyer\na\n\n👤 Buyer\nb\n\n👤 Buyer\nc`,
      '👤 Buyer\nd',
    ]);
    expect(rows(h, chat.chatId).every((r) => r.state === 'delivered' && r.part_in_flight === null)).toBe(true);
    // Nothing more after another restart and sync.
    await h.restart({ inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000, backfillMs: 7 * DAY } } });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID, thread)).toHaveLength(5);
  });

  it('a combined post Telegram refuses is not marked: it goes out later without the repeat mark', async () => {
    ({ h } = await syncHarness({ bridge: BRIDGE }));
    const { chat, thread } = await chatWithTopic(h);
    await leaveRoom(h, 2);
    for (const message of ['a', 'b', 'c']) h.market.addMessage(chat.chatId, { message });
    h.tg.failNext('sendMessage', { kind: 'status', code: 400, description: 'Bad Request: refused for the test' });
    await syncNow(h, chat.chatId);
    expect(rows(h, chat.chatId).slice(1).map((r) => [r.state, r.part_in_flight])).toEqual(Array(3).fill(['pending', null]));
    expect(botTexts(h, GROUP_ID, thread)).toHaveLength(2);

    await syncNow(h, chat.chatId);
    const texts = botTexts(h, GROUP_ID, thread).slice(2).map((x) => x.replace(/ · \d\d:\d\d/g, ''));
    expect(texts).toEqual(['👤 Buyer\na\n\n👤 Buyer\nb\n\n👤 Buyer\nc']);
    expect(h.botTexts().some((x) => x.includes('↻'))).toBe(false);
  });

  it('in reply chains one header heads each combined post, and a reply to it answers that Market chat', async () => {
    ({ h } = await syncHarness({ target: 'group', bridge: BRIDGE }));
    const a = h.market.addChat({ customerName: 'Ivan' });
    const b = h.market.addChat({ customerName: 'Nina' });
    h.market.addMessage(b.chatId, { message: 'Hi from Nina' });
    await syncNow(h, b.chatId);
    await leaveRoom(h, 2);
    for (const message of ['one', 'two', 'three']) h.market.addMessage(a.chatId, { message });
    await syncNow(h, a.chatId);

    const combined = h.tg.botMessages(GROUP_ID).at(-1)!;
    expect(combined.text!.replace(/ · \d\d:\d\d/g, '')).toBe(
      `💬 Order ${a.context.orderId} · Ivan (chat ${a.chatId})\n\n👤 Buyer\none\n\n👤 Buyer\ntwo\n\n👤 Buyer\nthree`,
    );
    const reply = h.tg.userSends({ chatId: GROUP_ID, from: ADMIN, text: 'Answering all three', replyTo: combined.message_id });
    expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
    expect(h.sends(a.chatId)).toHaveLength(1);
    expect(h.market.partnerTexts(a.chatId)).toEqual(['Answering all three']);
    expect(h.sends(b.chatId)).toHaveLength(0);
  });

  it('keeps each entry’s 🌐 translation line', async () => {
    fake = await FakeYandexTranslate.start();
    ({ h } = await syncHarness({
      env: { TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: fake.apiKey, YANDEX_TRANSLATE_URL: fake.url },
      bridge: BRIDGE,
    }));
    const cmd = h.tg.userSends({ chatId: GROUP_ID, from: ADMIN, text: '/translate zh', entities: [cmd0('/translate')] });
    await h.replyTo(GROUP_ID, cmd.message_id);
    const { chat, thread } = await chatWithTopic(h, 'Ivan', 'Спасибо, жду.');
    await leaveRoom(h, 1);
    h.market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    h.market.addMessage(chat.chatId, { message: 'Спасибо, жду.' });
    await syncNow(h, chat.chatId);

    expect(botTexts(h, GROUP_ID, thread).at(-1)!.replace(/ · \d\d:\d\d/g, '')).toBe(
      '👤 Buyer\nГде мой заказ?\n🌐 ru → zh\n我的订单在哪里？\n\n👤 Buyer\nСпасибо, жду.\n🌐 ru → zh\n谢谢，我等着。',
    );
  });
});
