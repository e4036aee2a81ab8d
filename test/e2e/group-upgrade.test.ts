/**
 * Issue 7, item 12: turning on Topics upgrades a basic group to a supergroup with a NEW id. The bridge follows:
 * it keeps posting buyer messages there (in topics now), remembers the new id across restarts, tells the team
 * once and logs the id to put in TELEGRAM_CHAT_ID. It follows both the service messages and, when it missed them,
 * Telegram's 400 "group chat was upgraded to a supergroup chat" with parameters.migrate_to_chat_id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the team group is upgraded to a supergroup', () => {
  it('follows the service messages: posts to the new id in topics, tells the team once, logs the new id, and keeps it after a restart', async () => {
    ({ h } = await syncHarness({ target: 'group' }));
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'before the upgrade' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, GROUP_ID).at(-1)).toContain('before the upgrade');

    const sg = h.tg.upgradeToSupergroup(GROUP_ID, { forum: true });
    await h.settled();
    const notices = () => botTexts(h!, sg.id).filter((x) => x.includes('upgraded to a supergroup'));
    await h.until(() => notices().length === 1, 5000, 'the notice in the new group');
    expect(notices()[0]).toContain(String(sg.id));
    expect(notices()[0]).toContain('TELEGRAM_CHAT_ID');
    expect(h.logs.join('')).toContain(`TELEGRAM_CHAT_ID=${sg.id}`);

    h.market.addMessage(chat.chatId, { message: 'after the upgrade' });
    await syncNow(h, chat.chatId);
    const topic = h.tg.topics(sg.id).find((t) => t.createdByBot && !t.deleted);
    expect(topic, 'a topic for the chat in the new supergroup').toBeDefined();
    expect(botTexts(h, sg.id, topic!.message_thread_id).at(-1)).toBe('👤 Buyer\nafter the upgrade');

    // The seller answers there.
    const reply = h.says(sg.id, topic!.message_thread_id, 'Answer from the new group');
    expect(await h.reacted(sg.id, reply.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Answer from the new group']);

    // TELEGRAM_CHAT_ID still names the old id: after a restart the bridge still posts to the new one, and does
    // not tell the team again.
    await h.restart();
    h.market.addMessage(chat.chatId, { message: 'after the restart' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, sg.id, topic!.message_thread_id).at(-1)).toBe('👤 Buyer\nafter the restart');
    expect(notices()).toHaveLength(1);
    expect(h.tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === GROUP_ID && c.ok === false)).toEqual([]);
  });

  it('follows Telegram’s 400 with migrate_to_chat_id when the service messages were missed', async () => {
    ({ h } = await syncHarness({ target: 'group' }));
    const chat = h.market.addChat({ customerName: 'Olga' });
    const sg = h.tg.upgradeToSupergroup(GROUP_ID, { forum: true, silent: true });

    h.market.addMessage(chat.chatId, { message: 'hello' });
    await syncNow(h, chat.chatId);
    await h.until(() => botTexts(h!, sg.id).some((x) => x.includes('hello')), 5000, 'the buyer message in the new group');
    const refused = h.tg.calls.filter((c) => c.params.chat_id === GROUP_ID && c.errorCode === 400);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((c) => /upgraded to a supergroup/.test(c.error ?? ''))).toBe(true);
    await h.until(() => botTexts(h!, sg.id).some((x) => x.includes('upgraded to a supergroup')), 5000, 'the notice');
    expect(botTexts(h, sg.id).filter((x) => x.includes('upgraded to a supergroup'))).toHaveLength(1);
    expect(h.logs.join('')).toContain(`TELEGRAM_CHAT_ID=${sg.id}`);
  });
});
