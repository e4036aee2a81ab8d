/**
 * Set-up from Telegram (issue 9): /id, the team (/team add, remove, list), /setup placing the shop's chats, the bot
 * joining a group (hello from an owner, leaving otherwise), and a start from the three required values only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, User } from 'grammy/types';
import { ADMIN, cmd0, Harness, OUTSIDER } from '../helpers/harness.js';
import { LIFTED_PACING, botTexts, liveTopics, settle, syncNow } from '../helpers/sync.js';

/** Someone an owner adds to the team (not in TELEGRAM_ADMIN_IDS). */
const MEMBER: User = { id: 113, is_bot: false, first_name: 'Vera', username: 'vera_shop' };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A command, with its bot_command entity, from someone; resolves with the bot's reply to it. */
async function command(x: Harness, p: { chatId: number; threadId?: number; from: User; text: string; replyTo?: number }): Promise<Message> {
  const name = p.text.split(' ')[0]!;
  const sent = x.tg.userSends({ ...p, entities: [cmd0(name)] });
  return x.replyTo(p.chatId, sent.message_id);
}

/** Presses an inline button and resolves with the text of the bot's answerCallbackQuery (the small toast). */
async function press(x: Harness, question: Message, from: User, data: string): Promise<string | undefined> {
  const id = x.tg.userPressesButton({ chatId: question.chat.id, messageId: question.message_id, from, data });
  const answer = await x.tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === id);
  await x.settled();
  return answer.params.text as string | undefined;
}

function buttons(x: Harness, m: Message): { text: string; data: string }[] {
  const now = x.tg.message(m.chat.id, m.message_id)!;
  return (now.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: (b as { callback_data: string }).callback_data }));
}

/** A harness without TELEGRAM_CHAT_ID (the three values and the fakes' addresses), pacing lifted. */
function bare(env: Record<string, string> = {}) {
  return Harness.create({ env, bridge: { inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000 } } } });
}

describe('/id', () => {
  it('answers anyone, in a topic, with the chat id, the topic id and their own user id', async () => {
    h = await bare();
    const { chatId, threadId } = h.forum();
    const answer = await command(h, { chatId, threadId, from: OUTSIDER, text: '/id' });
    expect(answer.text).toBe(`Chat id: ${chatId}\nTopic id: ${threadId}\nYour user id: ${OUTSIDER.id}`);
    expect(answer.message_thread_id).toBe(threadId);
  });

  it('in a private chat: the chat id and the user id, also for someone not on the team', async () => {
    h = await bare();
    h.tg.addPrivateChat(OUTSIDER);
    const answer = await command(h, { chatId: OUTSIDER.id, from: OUTSIDER, text: '/id' });
    expect(answer.text).toBe(`Chat id: ${OUTSIDER.id}\nYour user id: ${OUTSIDER.id}`);
  });
});

describe('the team', () => {
  it('an owner adds a teammate by replying to their message; they may relay at once; /team remove stops them at once', async () => {
    h = await bare();
    const { market, chatId, threadId } = await h.linkedTopic();
    h.tg.addMember(chatId, MEMBER);

    // Not on the team yet: not sent, and told so.
    const before = h.says(chatId, threadId, 'Hello from Vera', MEMBER);
    const refusal = await h.replyTo(chatId, before.message_id);
    expect(refusal.text).toContain('only the shop’s team');
    expect(h.sends(market.chatId)).toHaveLength(0);

    const added = await command(h, { chatId, threadId, from: ADMIN, text: '/team add', replyTo: before.message_id });
    expect(added.text).toBe('✅ Vera @vera_shop (113) is on the team now: their messages in buyer topics and their replies to buyers go to the buyers.');

    const now = h.says(chatId, threadId, 'We ship today.', MEMBER);
    expect(await h.reacted(chatId, now.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['We ship today.']);

    const list = await command(h, { chatId, threadId, from: MEMBER, text: '/team' });
    expect(list.text).toContain(`Owners (TELEGRAM_ADMIN_IDS): `);
    expect(list.text).toContain('Team members: Vera @vera_shop (113)');

    const removed = await command(h, { chatId, threadId, from: ADMIN, text: '/team remove', replyTo: now.message_id });
    expect(removed.text).toBe('Vera @vera_shop (113) is no longer on the team: their messages are not sent to buyers any more.');
    const after = h.says(chatId, threadId, 'One more thing', MEMBER);
    await h.settled();
    expect(h.market.partnerTexts(market.chatId)).toEqual(['We ship today.']);
    expect(h.relayRow(chatId, after.message_id)).toBeUndefined();
  });

  it('the id form adds and removes too, and only owners may change the team (the refusal says who can)', async () => {
    h = await bare();
    const { market, chatId, threadId } = await h.linkedTopic();
    h.tg.addMember(chatId, MEMBER);
    const byId = await command(h, { chatId, threadId, from: ADMIN, text: `/team add ${MEMBER.id}` });
    // The name comes from the group's member list.
    expect(byId.text).toContain('Vera @vera_shop (113) is on the team now');

    // A member is not an owner: may not add anyone, nor remove anyone, nor /setup.
    const refused = await command(h, { chatId, threadId, from: MEMBER, text: `/team add ${OUTSIDER.id}` });
    expect(refused.text).toBe('Only the bot’s owners (TELEGRAM_ADMIN_IDS) can change the team. Ask one of them to do it.');
    const outsiderRefused = await command(h, { chatId, threadId, from: OUTSIDER, text: `/team remove ${MEMBER.id}` });
    expect(outsiderRefused.text).toContain('Only the bot’s owners');
    const setupRefused = await command(h, { chatId, threadId, from: MEMBER, text: '/setup' });
    expect(setupRefused.text).toContain('Only the bot’s owners (TELEGRAM_ADMIN_IDS) can choose where buyer chats appear');

    // Owners are not changed with /team; a bad id changes nothing.
    expect((await command(h, { chatId, threadId, from: ADMIN, text: `/team remove ${ADMIN.id}` })).text).toContain('is an owner of the bot');
    expect((await command(h, { chatId, threadId, from: ADMIN, text: '/team add bob' })).text).toContain('“bob” is not a Telegram user id');
    expect(h.rows('SELECT user_id FROM team_members')).toEqual([{ user_id: MEMBER.id }]);

    const relayed = h.says(chatId, threadId, 'Member writes', MEMBER);
    expect(await h.reacted(chatId, relayed.message_id)).toEqual(['👍']);
    const gone = await command(h, { chatId, threadId, from: ADMIN, text: `/team remove ${MEMBER.id}` });
    expect(gone.text).toContain('is no longer on the team');
    expect(h.rows('SELECT user_id FROM team_members')).toEqual([]);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Member writes']);
  });

  it('in the private chat: an owner replies /team add to a message forwarded from the teammate', async () => {
    h = await bare();
    const fwd = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: 'Vera’s note', forwardedFrom: MEMBER });
    const added = await command(h, { chatId: ADMIN.id, from: ADMIN, text: '/team add', replyTo: fwd.message_id });
    expect(added.text).toContain('Vera @vera_shop (113) is on the team now');
    expect(h.rows('SELECT user_id, name, added_by FROM team_members')).toEqual([{ user_id: MEMBER.id, name: 'Vera @vera_shop', added_by: ADMIN.id }]);
    const hidden = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: 'Hidden author', forwardedFrom: { hiddenName: 'Gleb' } });
    const refused = await command(h, { chatId: ADMIN.id, from: ADMIN, text: '/team add', replyTo: hidden.message_id });
    expect(refused.text).toContain('Telegram hides who wrote that forwarded message');
    expect(h.rows('SELECT user_id FROM team_members')).toEqual([{ user_id: MEMBER.id }]);
  });

  it('survives a restart: a member added before it still relays after it', async () => {
    h = await bare();
    const { market, chatId, threadId } = await h.linkedTopic();
    await command(h, { chatId, threadId, from: ADMIN, text: `/team add ${MEMBER.id}` });
    await h.restart();
    const m = h.says(chatId, threadId, 'After the restart', MEMBER);
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['After the restart']);
  });
});

describe('/setup', () => {
  it('an owner places the shop in a group with buttons; buyer messages then arrive there, also after a restart', async () => {
    h = await bare();
    expect(h.logs.join('')).toContain('buyer chats are not shown in Telegram yet. Next step: add the bot to your team’s group and send /setup there');
    const group = h.tg.addGroup({ title: 'Shop team', forum: true });
    const ask = await command(h, { chatId: group.id, from: ADMIN, text: '/setup' });
    expect(ask.text).toContain('Which shops’ buyer chats should appear in this chat?');
    expect(buttons(h, ask)).toEqual([
      { text: '▫️ Test business', data: `setup:${h.market.businessId}` },
      { text: 'Done', data: 'setupDone' },
    ]);

    // Only owners' presses count: a member is told who can; an outsider's press does nothing.
    await command(h, { chatId: group.id, from: ADMIN, text: `/team add ${MEMBER.id}` });
    expect(await press(h, ask, MEMBER, `setup:${h.market.businessId}`)).toContain('Only the bot’s owners (TELEGRAM_ADMIN_IDS) can choose');
    h.tg.userPressesButton({ chatId: group.id, messageId: ask.message_id, from: OUTSIDER, data: `setup:${h.market.businessId}` });
    await h.settled();
    expect(h.rows('SELECT * FROM shop_places')).toEqual([]);
    expect(buttons(h, ask)[0]!.text).toBe('▫️ Test business');

    expect(await press(h, ask, ADMIN, `setup:${h.market.businessId}`)).toBe('Test business: its buyer chats appear here from now on.');
    expect(buttons(h, ask)[0]!.text).toBe('✅ Test business');
    expect(h.rows('SELECT business_id, tg_chat_id, placed_by FROM shop_places')).toEqual([
      { business_id: h.market.businessId, tg_chat_id: group.id, placed_by: ADMIN.id },
    ]);
    await press(h, ask, ADMIN, 'setupDone');
    const done = h.tg.message(group.id, ask.message_id)!;
    expect(done.text).toBe('Buyer chats of “Test business” appear in this chat.\n✅ I can work here: each buyer chat gets its own topic.');
    expect(buttons(h, ask)).toEqual([]);

    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Where is my parcel?' });
    await syncNow(h, chat.chatId);
    const topics = liveTopics(h, group.id);
    expect(topics).toHaveLength(1);
    expect(botTexts(h, group.id, topics[0]!.message_thread_id).slice(1)).toEqual(['👤 Buyer\nWhere is my parcel?']);

    await h.restart();
    expect(h.logs.join('')).toContain(`buyer chats go to Telegram chat ${group.id} (chosen with /setup)`);
    h.market.addMessage(chat.chatId, { message: 'Any news?' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, group.id, topics[0]!.message_thread_id).slice(1)).toEqual(['👤 Buyer\nWhere is my parcel?', '👤 Buyer\nAny news?']);
  });

  it('moves the chats from TELEGRAM_CHAT_ID to the chosen group, and switching it off there sends them back', async () => {
    const first = -1001111111111;
    h = await Harness.create({
      env: { TELEGRAM_CHAT_ID: String(first) },
      start: false,
      bridge: { inbound: { pacing: LIFTED_PACING, sync: { intervalMs: 60_000 } } },
    });
    h.tg.addGroup({ id: first, title: 'Old place', forum: true });
    await h.start();
    const group = h.tg.addGroup({ title: 'New place', forum: true });
    const ask = await command(h, { chatId: group.id, from: ADMIN, text: '/setup' });
    await press(h, ask, ADMIN, `setup:${h.market.businessId}`);

    const chat = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(chat.chatId, { message: 'Hi' });
    await syncNow(h, chat.chatId);
    expect(liveTopics(h, group.id)).toHaveLength(1);
    expect(liveTopics(h, first)).toHaveLength(0);

    expect(await press(h, ask, ADMIN, `setup:${h.market.businessId}`)).toBe('Test business: its buyer chats no longer appear here.');
    const other = h.market.addChat({ customerName: 'Petr' });
    h.market.addMessage(other.chatId, { message: 'Hello?' });
    await syncNow(h, other.chatId);
    expect(liveTopics(h, first)).toHaveLength(1);
    await settle(h);
  });

  it('says what is missing where the bot cannot work yet: not an admin, Topics off', async () => {
    h = await bare();
    const group = h.tg.addGroup({ title: 'Plain group', type: 'group', botIsAdmin: false });
    const ask = await command(h, { chatId: group.id, from: ADMIN, text: '/setup' });
    await press(h, ask, ADMIN, `setup:${h.market.businessId}`);
    await press(h, ask, ADMIN, 'setupDone');
    const done = h.tg.message(group.id, ask.message_id)!.text!;
    expect(done).toContain('Make me an administrator of this group with the “Manage topics” right');
    expect(done).toContain('Turn on Topics in the group’s settings');
    expect(done).not.toContain('I can work here');
  });

  it('placed in a basic group, then Topics turned on (a new supergroup id): the place follows, the team is told once', async () => {
    h = await bare();
    const group = h.tg.addGroup({ title: 'Basic team', type: 'group' });
    const ask = await command(h, { chatId: group.id, from: ADMIN, text: '/setup' });
    await press(h, ask, ADMIN, `setup:${h.market.businessId}`);
    await press(h, ask, ADMIN, 'setupDone');
    expect(h.tg.message(group.id, ask.message_id)!.text).toContain('Turn on Topics in the group’s settings');

    const upgraded = h.tg.upgradeToSupergroup(group.id, { forum: true, by: ADMIN });
    await h.until(() => h!.rows<{ tg_chat_id: number }>('SELECT tg_chat_id FROM shop_places')[0]?.tg_chat_id === upgraded.id, 5000, 'the place moved');
    await h.settled();
    const told = botTexts(h, upgraded.id).filter((t) => t.includes('The shops placed here with /setup follow it'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(`new id: ${upgraded.id}`);

    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'After the upgrade' });
    await syncNow(h, chat.chatId);
    const topics = liveTopics(h, upgraded.id);
    expect(topics).toHaveLength(1);
    expect(botTexts(h, upgraded.id, topics[0]!.message_thread_id).slice(1)).toEqual(['👤 Buyer\nAfter the upgrade']);
  });

  it('in the private chat: the shop’s chats come there as reply chains', async () => {
    h = await bare();
    h.tg.addPrivateChat(ADMIN);
    const ask = await command(h, { chatId: ADMIN.id, from: ADMIN, text: '/setup' });
    await press(h, ask, ADMIN, `setup:${h.market.businessId}`);
    await press(h, ask, ADMIN, 'setupDone');
    expect(h.tg.message(ADMIN.id, ask.message_id)!.text).toContain('in our private chat, each buyer message comes with a header');
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Hello there' });
    await syncNow(h, chat.chatId);
    expect(botTexts(h, ADMIN.id).some((t) => t.includes('Hello there'))).toBe(true);
  });
});

describe('the bot joining a group', () => {
  it('added by an owner: says hello there with the next steps', async () => {
    h = await bare();
    const group = h.tg.addGroup({ title: 'New team', forum: false, botIsAdmin: false, addedBy: ADMIN });
    const hello = await h.tg.waitForBotMessage((m) => m.chat.id === group.id);
    expect(hello.text).toContain('Make me an administrator of this group with the “Manage topics” right');
    expect(hello.text).toContain('Turn on Topics');
    expect(hello.text).toContain('Send /setup here');
    await h.settled();
    expect(h.tg.calls.filter((c) => c.method === 'leaveChat')).toEqual([]);
  });

  it('added back by someone who is not an owner to the chat the owners chose: stays', async () => {
    h = await bare();
    const group = h.tg.addGroup({ title: 'Shop team', forum: true });
    const ask = await command(h, { chatId: group.id, from: ADMIN, text: '/setup' });
    await press(h, ask, ADMIN, `setup:${h.market.businessId}`);
    h.tg.setBotRights(group.id, { status: 'left' });
    h.tg.setBotRights(group.id, { status: 'administrator', canManageTopics: true });
    await h.settled();
    expect(h.tg.calls.filter((c) => c.method === 'leaveChat')).toEqual([]);
  });

  it('added by anyone else: leaves the group without a word there', async () => {
    h = await bare();
    const group = h.tg.addGroup({ title: 'Strangers', botIsAdmin: false, addedBy: OUTSIDER });
    await h.tg.waitForCall('leaveChat', (c) => c.params.chat_id === group.id && c.ok);
    await h.settled();
    expect(h.tg.botMessages(group.id)).toEqual([]);
    // Later commands there are not answered by the bot: it is gone.
    h.tg.userSends({ chatId: group.id, from: OUTSIDER, text: '/help', entities: [cmd0('/help')] });
    await h.settled();
    expect(h.tg.botMessages(group.id)).toEqual([]);
  });
});

describe('a start from the three required values', () => {
  it('finds the business from the key, names the shop and the next step, and relays', async () => {
    h = await bare({ MARKET_BUSINESS_ID: '' });
    expect(h.config.market.businessId).toBeUndefined();
    expect(h.requestsOf('getCampaigns').length).toBeGreaterThan(0);
    const started = h.logs.find((l) => l.includes('market-bridge started'))!;
    expect(JSON.parse(started)).toMatchObject({ businessId: h.market.businessId, shops: [{ businessId: h.market.businessId, name: 'Test business' }] });
    expect(h.logs.join('')).toContain(`Shop “Test business” (business ${h.market.businessId}): buyer chats are not shown in Telegram yet`);

    const { market, chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'Hello from the three values');
    expect(await h.reacted(chatId, m.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(market.chatId)).toEqual(['Hello from the three values']);
  });

  it('Market down at the first start: one line naming MARKET_API_KEY and MARKET_BUSINESS_ID; a later start remembers the business', async () => {
    h = await Harness.create({ env: { MARKET_BUSINESS_ID: '' }, start: false, bridge: { startupCheckMs: 500 } });
    h.market.failNext('getCampaigns', { kind: 'status', status: 503 }, 5);
    await expect(h.start()).rejects.toThrow(/^MARKET_API_KEY: cannot find the key’s business \(cabinet\), because Market at MARKET_API_URL .* Start again once Market answers, or set MARKET_BUSINESS_ID\.$/);
    h.market.reset();
    await h.start();
    await h.stop();
    h.market.failNext('getCampaigns', { kind: 'status', status: 503 }, 5);
    await h.start();
    expect(h.logs.join('')).toContain('using the one found at an earlier start');
  });
});
