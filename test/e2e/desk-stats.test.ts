/**
 * Issue 11, "How fast the shop answers": /stats answers team members with a PNG chart and two lines whose numbers
 * come from the stored times of a data set the test wrote; people not on the team are refused. DIGEST_AT posts
 * yesterday's figures and the chats still waiting once a day, also across a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { addDays, dayKey } from '../../src/bridge/answer-stats.js';
import { openDb } from '../../src/db/open.js';
import { ADMIN, cmd0, Harness, OUTSIDER } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ZONE = 'Europe/Moscow';
const MIN = 60_000;
/** A Moscow wall-clock time on a day `YYYY-MM-DD` -> Unix ms. */
const msk = (day: string, time: string) => Date.parse(`${day}T${time}+03:00`);

type Sqlite = { prepare(sql: string): { run(...p: unknown[]): unknown } };

/** The stored record the statistics read: a chat, its history messages, and relays Market accepted. */
/** Rows of the fake Market's default business (777), as the sync would have stored them. */
function seed(db: Sqlite) {
  let messageId = 1000;
  const chat = (id: number, p: { type?: string; status?: string; orderId?: number; customer?: string } = {}) =>
    db
      .prepare(
        `insert into market_chats (business_id, market_chat_id, type, status, context_type, order_id, customer_name, created_at, updated_at)
         values (777, ?, ?, ?, 'ORDER', ?, ?, 0, 0)`,
      )
      .run(id, p.type ?? 'CHAT', p.status ?? 'WAITING_FOR_CUSTOMER', p.orderId ?? id, p.customer ?? null);
  const message = (chatId: number, sender: string, at: number, state = 'delivered') =>
    db
      .prepare(
        `insert into inbound_messages (business_id, market_chat_id, market_message_id, sender, created_at, text, state, recorded_at)
         values (777, ?, ?, ?, ?, 'text', ?, ?)`,
      )
      .run(chatId, ++messageId, sender, at, state, at);
  const relay = (chatId: number, deliveredAt: number) =>
    db
      .prepare(
        `insert into relays (business_id, tg_chat_id, tg_message_id, tg_user_id, market_chat_id, text, state, delivered_at, created_at, updated_at)
         values (777, -100, ?, 111, ?, 'reply', 'delivered', ?, ?, ?)`,
      )
      .run(++messageId, chatId, deliveredAt, deliveredAt, deliveredAt);
  return { chat, message, relay };
}

/** The PNG's signature and IHDR size. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true);
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('/stats', () => {
  it('answers the team with a PNG chart and the numbers of the stored times; refuses others', async () => {
    h = await Harness.create();
    const today = dayKey(Date.now(), ZONE);
    const yesterday = addDays(today, -1);
    const before = addDays(today, -2);
    const { chat, message, relay } = seed(h.bridge!.db.sqlite);
    chat(9001);
    message(9001, 'CUSTOMER', msk(yesterday, '12:00:00'));
    message(9001, 'MARKET', msk(yesterday, '12:01:00')); // Market's automatic message answers nothing
    message(9001, 'PARTNER', msk(yesterday, '12:03:00'), 'own'); // 3 min
    chat(9002);
    message(9002, 'CUSTOMER', msk(before, '12:00:00'));
    message(9002, 'CUSTOMER', msk(before, '12:01:00')); // the same conversation
    relay(9002, msk(before, '12:20:00')); // accepted by Market, not yet seen in the history: 20 min
    chat(9003, { status: 'WAITING_FOR_PARTNER' });
    message(9003, 'CUSTOMER', msk(yesterday, '15:00:00')); // never answered
    chat(9004);
    message(9004, 'CUSTOMER', msk(addDays(today, -9), '12:00:00')); // outside 7 days
    message(9004, 'PARTNER', msk(addDays(today, -9), '14:00:00'));

    // A group the team uses (a linked topic): there the gate lets an outsider's command through to /stats itself.
    const group = await h.linkedTopic();
    const refused = h.tg.userSends({ chatId: group.chatId, from: OUTSIDER, text: '/stats', entities: [cmd0('/stats')] });
    expect((await h.replyTo(group.chatId, refused.message_id)).text).toMatch(/only the shop’s team/);

    const asked = h.tg.userSends({ chatId: group.chatId, from: ADMIN, text: '/stats', entities: [cmd0('/stats')] });
    const answer: Message = await h.replyTo(group.chatId, asked.message_id, 30_000);
    expect(answer.caption).toBe('Last 7 days: 3 buyer conversations, 2 answered.\nFirst reply: median 12 min, 90% within 20 min.');
    const photo = answer.photo!.at(-1)!;
    const size = pngSize(h.tg.fileBytes(photo.file_id)!);
    expect(size).toEqual({ width: 900, height: 480 });

    const bad = h.tg.userSends({ chatId: group.chatId, from: ADMIN, text: '/stats many', entities: [cmd0('/stats')] });
    expect((await h.replyTo(group.chatId, bad.message_id)).text).toBe('Use /stats (7 days), /stats 7 or /stats 30: the number of days, 1 to 90.');
    await h.settled();
    // Only the team's request drew a picture.
    expect(h.tg.botMessages(group.chatId).filter((m) => m.photo)).toHaveLength(1);
  }, 60_000);
});

describe('DIGEST_AT', () => {
  it('posts yesterday’s numbers and the waiting chats once a day, not again after a restart', async () => {
    // 00:00 has always passed today, so the digest is due as soon as the bridge runs.
    h = await Harness.create({ start: false, env: { TELEGRAM_CHAT_ID: String(ADMIN.id), DIGEST_AT: '00:00' }, bridge: { digest: { tickMs: 50 } } });
    h.tg.addPrivateChat(ADMIN);
    const now = Date.now();
    const today = dayKey(now, ZONE);
    const yesterday = addDays(today, -1);
    const opened = openDb(h.dbPath);
    try {
      const { chat, message } = seed(opened.sqlite);
      chat(9001);
      message(9001, 'CUSTOMER', msk(yesterday, '09:00:00'));
      message(9001, 'PARTNER', msk(yesterday, '09:05:00')); // 5 min
      chat(9002);
      message(9002, 'CUSTOMER', msk(yesterday, '18:00:00'));
      message(9002, 'PARTNER', msk(yesterday, '18:15:00')); // 15 min
      chat(9003, { status: 'WAITING_FOR_PARTNER', orderId: 555, customer: 'Ivan' });
      message(9003, 'CUSTOMER', msk(today, '00:00:01')); // waiting since today began
      chat(9004, { type: 'ARBITRAGE', status: 'WAITING_FOR_ARBITER', orderId: 777 }); // an open dispute
    } finally {
      opened.close();
    }
    await h.start();

    const digest = await h.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && /^Summary for/.test(m.text ?? ''));
    const lines = digest.text!.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      `Summary for ${yesterday}`,
      '2 buyer conversations, 2 answered.',
      'First reply: median 10 min, 90% within 15 min.',
      '',
      'Still waiting for a reply: 2',
    ]);
    // The waiting list's own order (db/waits.ts): the dispute, open since its chat began, comes first.
    expect(lines[5]).toBe('• Dispute · Order 777 · buyer — open dispute');
    expect(lines[6]).toMatch(/^• Order 555 · Ivan — \d+ (s|min|h \d+ min)$/);
    expect(digest.message_thread_id).toBeUndefined(); // the General topic / the private chat itself

    await h.restart();
    // A command's answer comes after the start's digest check (made before the bridge took updates).
    const ping = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: '/help', entities: [cmd0('/help')] });
    await h.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && m.message_id > ping.message_id && /^I connect/.test(m.text ?? ''));
    expect(h.tg.botMessages(ADMIN.id).filter((m) => /^Summary for/.test(m.text ?? ''))).toHaveLength(1);

    // The next day it comes again, with that day's yesterday.
    await h.restart({ digest: { tickMs: 50, now: () => Date.now() + 86_400_000 } });
    const next = await h.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && (m.text ?? '').startsWith(`Summary for ${today}`));
    // Today's waiting buyer is that day's yesterday: one conversation, not answered.
    expect(next.text!.split('\n').slice(0, 3)).toEqual([
      `Summary for ${today}`,
      '1 buyer conversations, 0 answered.',
      'First reply: no conversation was answered in this period.',
    ]);
  }, 60_000);
});
