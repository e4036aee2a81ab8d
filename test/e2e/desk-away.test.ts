/**
 * AWAY_MESSAGE end to end: a buyer writing outside WORK_HOURS gets the away text once (through the relay ledger,
 * 👍 on the bot's note in the topic), a second message the same night gets none, a restart does not resend it, and
 * a buyer writing within working hours gets none. The hours are set around the real clock (BOT_TIMEZONE=UTC).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, cmd0, tick, type Harness } from '../helpers/harness.js';
import { GROUP_ID, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';
import { t } from '../../src/texts.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AWAY = 'We are closed now and will answer in the morning.';
const hh = (n: number) => `${String(((n % 24) + 24) % 24).padStart(2, '0')}:00`;

/** Working hours that start 2 h from now (it is "night"), or that run from an hour ago (it is "day"). */
function hours(night: boolean): string {
  const h0 = new Date().getUTCHours();
  return night ? `${hh(h0 + 2)}-${hh(h0 + 4)}` : `${hh(h0 - 1)}-${hh(h0 + 2)}`;
}

async function harness(night: boolean) {
  const { h: x } = await syncHarness({
    env: { BOT_TIMEZONE: 'UTC', WORK_HOURS: hours(night), AWAY_MESSAGE: AWAY, REMIND_AFTER_MINUTES: '0' },
    bridge: { inbound: { away: { checkMs: 100 } } },
  });
  return x;
}

async function waitingList(x: Harness): Promise<string> {
  const cmd = x.tg.userSends({ chatId: GROUP_ID, from: ADMIN, text: '/chats', entities: [cmd0('/chats')] });
  return (await x.answerAfter(GROUP_ID, cmd.message_id)).text ?? '';
}

const notes = (x: Harness, thread: number) => x.tg.botMessages(GROUP_ID, thread).filter((m) => m.text === t('away.note', { text: AWAY }));

describe('the away message outside working hours', () => {
  it('answers a buyer at night once, through the ledger; not again that night nor after a restart', async () => {
    const x = (h = await harness(true));
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Hello, are you there?' });
    await syncNow(x, chat.chatId);
    const thread = liveTopics(x)[0]!.message_thread_id;

    await x.until(() => notes(x, thread).length === 1, 5000, 'the away note');
    const note = notes(x, thread)[0]!;
    expect(await x.reacted(GROUP_ID, note.message_id)).toEqual(['👍']);
    await x.settled();
    expect(x.market.partnerTexts(chat.chatId)).toEqual([AWAY]);
    expect(x.sends()).toHaveLength(1);
    expect(x.relayRow(GROUP_ID, note.message_id)!.state).toBe('delivered');
    expect(x.rows('SELECT market_chat_id FROM away_replies')).toEqual([{ market_chat_id: chat.chatId }]);
    // The auto-reply is no answer of the team's: the chat still waits for them (before and after the sync saw it).
    expect((await waitingList(x)).split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat');
    await syncNow(x, chat.chatId);
    expect((await waitingList(x)).split('\n')[0]).toBe('⏳ Waiting for the shop: 1 chat');

    // The buyer writes again the same night: no second away message.
    x.market.addMessage(chat.chatId, { message: 'Hello??' });
    await syncNow(x, chat.chatId);
    await tick(600);
    expect(x.sends()).toHaveLength(1);
    // The sync saw the away text in the history as the bridge's own reply, not a cabinet one.
    expect(x.tg.botMessages(GROUP_ID, thread).map((m) => m.text ?? '').join('\n')).not.toContain('from the Market cabinet');

    // A restart does not resend it.
    await x.restart();
    await tick(600);
    await x.settled();
    expect(x.sends()).toHaveLength(1);
    expect(x.market.partnerTexts(chat.chatId)).toEqual([AWAY]);
    expect(notes(x, thread)).toHaveLength(1);
  });

  it('sends nothing to a buyer writing within working hours', async () => {
    const x = (h = await harness(false));
    const chat = x.market.addChat({ customerName: 'Olga' });
    x.market.addMessage(chat.chatId, { message: 'Is it in stock?' });
    await syncNow(x, chat.chatId);
    const thread = liveTopics(x)[0]!.message_thread_id;
    await tick(800);
    await x.settled();
    expect(x.sends()).toEqual([]);
    expect(notes(x, thread)).toEqual([]);
    expect(x.rows('SELECT * FROM away_replies')).toEqual([]);
  });
});
