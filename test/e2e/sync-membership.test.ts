/**
 * The bot removed from the group where buyer chats appear, restricted there, or stripped of its topic rights: it
 * stops posting into the void, keeps recording buyer messages, says so (log at warn, and the owners in their private
 * chats with the bot), and posts the backlog, in order, once it may again. Across restarts too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { t } from '../../src/texts.js';
import { ADMIN, TEAMMATE, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, inbound, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const WHERE = t('presence.where', { title: 'Shop team', chatId: GROUP_ID });
const buyerTexts = (texts: string[]) => texts.filter((x) => x.startsWith('👤 Buyer\n')).map((x) => x.slice('👤 Buyer\n'.length));
/** Calls that would post or change something in the group (not reads such as getChatMember). */
const writesToGroup = (h: Harness) =>
  h.tg.calls.filter((c) => c.params.chat_id === GROUP_ID && !/^get/.test(c.method)).length;
const warnings = (h: Harness, needle: string) =>
  h.logs.filter((l) => l.includes(needle) && (JSON.parse(l) as { level: number }).level === 40);
const ADMIN_RIGHTS = { status: 'administrator', canManageTopics: true, canDeleteMessages: true } as const;

describe('the bot removed from the group', () => {
  it('stops posting, keeps recording, tells the team, stays paused across a restart, and posts the backlog in order when back', async () => {
    ({ h } = await syncHarness({ before: (h) => void h.tg.addPrivateChat(ADMIN) })); // the teammate never started the bot
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'before' });
    await syncNow(h, chat.chatId);

    h.tg.setBotRights(GROUP_ID, { status: 'kicked' }); // Telegram sends my_chat_member
    await h.until(() => !inbound(h!).presence.ready(), 5000, 'posting paused');
    await h.settled();
    expect(warnings(h, 'the bot was removed')).toHaveLength(1);
    await h.until(() => botTexts(h!, ADMIN.id).includes(t('presence.removed', { where: WHERE })), 5000, 'the owner told');
    expect(h.logs.some((l) => l.includes('could not tell a team member') && l.includes(String(TEAMMATE.id)))).toBe(true);

    const writes = writesToGroup(h);
    h.market.addMessage(chat.chatId, { message: 'one' });
    h.market.addMessage(chat.chatId, { message: 'two' });
    await syncNow(h, chat.chatId);
    expect(writesToGroup(h)).toBe(writes);
    expect(h.rows("SELECT * FROM inbound_messages WHERE state = 'pending'")).toHaveLength(2);

    await h.restart();
    h.market.addMessage(chat.chatId, { message: 'three' });
    await syncNow(h, chat.chatId);
    expect(inbound(h).presence.ready()).toBe(false);
    expect(writesToGroup(h)).toBe(writes);
    expect(botTexts(h, ADMIN.id).filter((x) => x === t('presence.removed', { where: WHERE }))).toHaveLength(1);

    h.tg.setBotRights(GROUP_ID, ADMIN_RIGHTS);
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length === 4, 5000, 'the backlog posted');
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['before', 'one', 'two', 'three']);
    expect(liveTopics(h)).toHaveLength(1);
    await h.until(() => botTexts(h!, ADMIN.id).includes(t('presence.back', { where: WHERE, waiting: 3 })), 5000, 'told it is back');
  });

  it('learns it from a refused send when no update came, and resumes when a probe finds it back', async () => {
    ({ h } = await syncHarness({ bridge: { inbound: { presenceProbeMs: 200 } }, before: (h) => void h.tg.addPrivateChat(ADMIN) }));
    const chat = h.market.addChat({ customerName: 'Olga' });
    h.market.addMessage(chat.chatId, { message: 'first' });
    await syncNow(h, chat.chatId);

    h.tg.setBotRights(GROUP_ID, { status: 'kicked' }, { notify: false });
    h.market.addMessage(chat.chatId, { message: 'second' });
    await syncNow(h, chat.chatId); // Telegram answers 403 "bot was kicked"
    expect(inbound(h).presence.ready()).toBe(false);
    const writes = writesToGroup(h);
    h.market.addMessage(chat.chatId, { message: 'third' });
    await syncNow(h, chat.chatId);
    expect(writesToGroup(h)).toBe(writes); // one refusal, then no more attempts into the void
    expect(botTexts(h, ADMIN.id)).toContain(t('presence.removed', { where: t('presence.where', { title: undefined, chatId: GROUP_ID }) }));

    h.tg.setBotRights(GROUP_ID, ADMIN_RIGHTS, { notify: false });
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length === 3, 5000, 'the backlog posted after a probe');
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['first', 'second', 'third']);
  });
});

describe('the bot’s rights taken away', () => {
  it('restricted from sending: pauses and resumes like a removal', async () => {
    ({ h } = await syncHarness({ before: (h) => void h.tg.addPrivateChat(ADMIN) }));
    const chat = h.market.addChat({ customerName: 'Petr' });
    h.market.addMessage(chat.chatId, { message: 'a' });
    await syncNow(h, chat.chatId);
    h.tg.setBotRights(GROUP_ID, { status: 'restricted', canSendMessages: false });
    await h.until(() => !inbound(h!).presence.ready(), 5000, 'posting paused');
    expect(warnings(h, 'may no longer send messages')).toHaveLength(1);
    const writes = writesToGroup(h);
    h.market.addMessage(chat.chatId, { message: 'b' });
    await syncNow(h, chat.chatId);
    expect(writesToGroup(h)).toBe(writes);
    await h.until(() => botTexts(h!, ADMIN.id).includes(t('presence.restricted', { where: WHERE })), 5000, 'the owner told');

    h.tg.setBotRights(GROUP_ID, ADMIN_RIGHTS);
    await h.until(() => buyerTexts(botTexts(h!, GROUP_ID)).length === 2, 5000, 'the backlog posted');
    expect(buyerTexts(botTexts(h, GROUP_ID))).toEqual(['a', 'b']);
  });

  it('losing the topic right is said once; new chats use reply chains, and get topics again when it is back', async () => {
    ({ h } = await syncHarness({ before: (h) => void h.tg.addPrivateChat(ADMIN) }));
    const first = h.market.addChat({ customerName: 'Vera' });
    h.market.addMessage(first.chatId, { message: 'in a topic' });
    await syncNow(h, first.chatId);
    expect(liveTopics(h)).toHaveLength(1);

    h.tg.setBotRights(GROUP_ID, { status: 'administrator', canManageTopics: false });
    const lost = t('presence.topicRightsLost', { where: WHERE, admin: true });
    await h.until(() => botTexts(h!, ADMIN.id).includes(lost), 5000, 'the owner told');
    expect(inbound(h).presence.ready()).toBe(true);
    const second = h.market.addChat({ customerName: 'Gleb' });
    h.market.addMessage(second.chatId, { message: 'no topic for me' });
    await syncNow(h, second.chatId);
    expect(botTexts(h, GROUP_ID).some((x) => x.includes('(chat ' + second.chatId + ')') && x.includes('no topic for me'))).toBe(true);

    h.tg.setBotRights(GROUP_ID, ADMIN_RIGHTS);
    await h.until(() => h!.logs.some((l) => l.includes('may manage topics again')), 5000, 'rights back');
    const third = h.market.addChat({ customerName: 'Zoya' });
    h.market.addMessage(third.chatId, { message: 'a topic again' });
    await syncNow(h, third.chatId);
    expect(liveTopics(h)).toHaveLength(2);
    expect(botTexts(h, ADMIN.id).filter((x) => x === lost)).toHaveLength(1);
  });
});

describe('the owner’s private chat as the place for buyer chats', () => {
  it('blocked by the owner: pauses, and resumes on unblocking, without telling the blocked chat', async () => {
    ({ h } = await syncHarness({ target: 'private', bridge: { inbound: { presenceProbeMs: 200 } } }));
    const chat = h.market.addChat({ customerName: 'Lev' });
    h.market.addMessage(chat.chatId, { message: 'x' });
    await syncNow(h, chat.chatId);
    h.tg.setBotBlocked(ADMIN.id, true);
    h.market.addMessage(chat.chatId, { message: 'y' });
    await syncNow(h, chat.chatId); // 403 "bot was blocked by the user"
    expect(inbound(h).presence.ready()).toBe(false);
    const sends = h.tg.calls.filter((c) => c.params.chat_id === ADMIN.id && c.method === 'sendMessage').length;
    await new Promise((r) => setTimeout(r, 500)); // probes come and go while it stays blocked
    expect(inbound(h).presence.ready()).toBe(false);
    expect(h.tg.calls.filter((c) => c.params.chat_id === ADMIN.id && c.method === 'sendMessage')).toHaveLength(sends);
    h.tg.setBotBlocked(ADMIN.id, false);
    const shown = () => botTexts(h!, ADMIN.id).filter((x) => x.startsWith('💬 ')).map((x) => x.split('\n')[1]);
    await h.until(() => shown().length === 2, 5000, 'the backlog posted');
    expect(shown()).toEqual(['x', 'y']);
  });
});
