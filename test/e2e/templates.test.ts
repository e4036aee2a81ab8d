/**
 * Answer templates (issue 11) end to end: saved from a message, listed, offered by /t in a buyer's topic (or as a
 * reply to a buyer's post), filled, previewed with Send / Cancel, and sent through the relay at most once (double
 * press, press after a restart), 👍 on the preview. Only the team may save, offer, press.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, OUTSIDER, TEAMMATE, cmd0, type Harness } from '../helpers/harness.js';
import { GROUP_ID, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';
import { t } from '../../src/texts.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TEMPLATE = 'Hello {buyer}! Order {order} leaves today, {date}. {shop}';

/** Today in Moscow as dd.mm.yyyy, computed here independently of the bridge. */
function todayInMoscow(): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric' }).format(Date.now());
}

function command(h: Harness, chatId: number, threadId: number | undefined, text: string, opts: { from?: typeof ADMIN; replyTo?: number } = {}): Message {
  const name = text.split(/\s/)[0]!;
  return h.tg.userSends({
    chatId,
    from: opts.from ?? ADMIN,
    text,
    entities: [cmd0(name)],
    ...(threadId !== undefined ? { threadId } : {}),
    ...(opts.replyTo !== undefined ? { replyTo: opts.replyTo } : {}),
  });
}

function buttons(m: Message): { text: string; data: string }[] {
  return (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: 'callback_data' in b ? (b.callback_data ?? '') : '' }));
}

async function press(h: Harness, chatId: number, m: Message, data: string, from = ADMIN, force = false): Promise<string | undefined> {
  const id = h.tg.userPressesButton({ chatId, messageId: m.message_id, from, data, force });
  const call = await h.tg.waitForCall('answerCallbackQuery', (c) => c.params.callback_query_id === id);
  return call.params.text as string | undefined;
}

/** Saves TEMPLATE (or `text`) as `name` from a message the admin writes in General. */
async function saveTemplate(h: Harness, name: string, text = TEMPLATE): Promise<Message> {
  const source = h.says(GROUP_ID, undefined, text);
  const cmd = command(h, GROUP_ID, undefined, `/template add ${name}`, { replyTo: source.message_id });
  return h.replyTo(GROUP_ID, cmd.message_id);
}

/** A buyer chat synced into its topic. */
async function buyerTopic(h: Harness, customerName = 'Ivan') {
  const chat = h.market.addChat({ customerName });
  h.market.addMessage(chat.chatId, { message: 'When will it ship?' });
  await syncNow(h, chat.chatId);
  const thread = liveTopics(h).find((x) => x.name.includes(customerName))!.message_thread_id;
  return { chat, thread };
}

/** /t in the topic, then the template's button: returns the picker and the preview. */
async function preview(h: Harness, thread: number, name: string, from = ADMIN): Promise<{ picker: Message; preview: Message }> {
  const cmd = command(h, GROUP_ID, thread, '/t', { from });
  const picker = await h.replyTo(GROUP_ID, cmd.message_id);
  const button = buttons(picker).find((b) => b.text === name)!;
  press(h, GROUP_ID, picker, button.data, from).catch(() => undefined);
  const shown = await h.tg.waitForBotMessage((m) => m.chat.id === GROUP_ID && m.reply_to_message?.message_id === picker.message_id);
  return { picker, preview: shown };
}

describe('answer templates', () => {
  it('saves, lists, fills and sends a template once, 👍 on the preview; a second press and a press after a restart send nothing more', async () => {
    ({ h } = await syncHarness({ bridge: { templates: { shopName: 'Best Shop' } } }));
    const saved = await saveTemplate(h, 'Shipping');
    expect(saved.text).toBe(t('templates.saved', { name: 'shipping' }));

    const listCmd = command(h, GROUP_ID, undefined, '/templates');
    const list = await h.replyTo(GROUP_ID, listCmd.message_id);
    expect(list.text).toContain(t('templates.listHeader', { count: 1 }));
    expect(list.text).toContain('• shipping: Hello {buyer}!');

    const { chat, thread } = await buyerTopic(h);
    const { picker, preview: shown } = await preview(h, thread, 'shipping');
    expect(picker.message_thread_id).toBe(thread);
    expect(shown.message_thread_id).toBe(thread);
    const filled = `Hello Ivan! Order ${chat.context.orderId} leaves today, ${todayInMoscow()}. Best Shop`;
    expect(shown.text).toBe(t('templates.preview', { name: 'shipping', text: filled }));
    const [send, cancel] = buttons(shown);
    expect([send!.text, cancel!.text]).toEqual([t('templates.button.send'), t('templates.button.cancel')]);
    // Nothing goes before Send.
    expect(h.sends()).toEqual([]);

    // A double press: the second finds it decided.
    const first = h.tg.userPressesButton({ chatId: GROUP_ID, messageId: shown.message_id, from: TEAMMATE, data: send!.data });
    const second = h.tg.userPressesButton({ chatId: GROUP_ID, messageId: shown.message_id, from: ADMIN, data: send!.data });
    expect(await h.reacted(GROUP_ID, shown.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.market.partnerTexts(chat.chatId)).toEqual([filled]);
    const answers = h.tg.calls.filter((c) => c.method === 'answerCallbackQuery' && [first, second].includes(c.params.callback_query_id as string));
    expect(answers.map((c) => c.params.text).sort()).toEqual([t('templates.decided'), t('templates.sending')].sort());
    expect(h.tg.message(GROUP_ID, shown.message_id)?.text).toBe(`${t('templates.preview', { name: 'shipping', text: filled })}\n\n${t('templates.sending')}`);
    const relay = h.relayRow(GROUP_ID, shown.message_id)!;
    expect([relay.state, relay.tg_user_id, relay.tg_thread_id]).toEqual(['delivered', TEAMMATE.id, thread]);

    // After a restart (the button still on an old copy of the message): nothing more is sent.
    await h.restart();
    expect(await press(h, GROUP_ID, shown, send!.data, ADMIN, true)).toBe(t('templates.decided'));
    await h.settled();
    expect(h.sends()).toHaveLength(1);

    // The sync sees the shop's reply in the history and does not show it again as a cabinet reply.
    h.market.addMessage(chat.chatId, { message: 'Thanks' });
    await syncNow(h, chat.chatId);
    expect(h.tg.botMessages(GROUP_ID, thread).map((m) => m.text ?? '').join('\n')).not.toContain('from the Market cabinet');
  });

  it('a preview made before a restart is sent after it; Cancel sends nothing', async () => {
    ({ h } = await syncHarness({ bridge: { templates: { shopName: 'Best Shop' } } }));
    await saveTemplate(h, 'thanks', 'Thank you, {buyer}!');
    const { chat, thread } = await buyerTopic(h, 'Olga');
    const a = await preview(h, thread, 'thanks');
    const b = await preview(h, thread, 'thanks');
    await h.settled();
    await h.restart();
    expect(await press(h, GROUP_ID, b.preview, buttons(b.preview)[1]!.data)).toBe(t('templates.cancelled'));
    await press(h, GROUP_ID, a.preview, buttons(a.preview)[0]!.data);
    expect(await h.reacted(GROUP_ID, a.preview.message_id)).toEqual(['👍']);
    await h.settled();
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Thank you, Olga!']);
    expect(h.tg.message(GROUP_ID, b.preview.message_id)?.text).toContain(t('templates.cancelled'));
    expect(await press(h, GROUP_ID, b.preview, buttons(b.preview)[0]!.data, ADMIN, true)).toBe(t('templates.decided'));
    await h.settled();
    expect(h.sends()).toHaveLength(1);
  });

  it('a variable the chat has no value for blocks Send and says which', async () => {
    ({ h } = await syncHarness({ bridge: { templates: { shopName: '' } } })); // a shop without a name: {shop} has no value
    await saveTemplate(h, 'shipping');
    const { chat, thread } = await buyerTopic(h);
    const { preview: shown } = await preview(h, thread, 'shipping');
    expect(shown.text).toContain(t('templates.blocked', { names: '{shop}' }));
    expect(shown.text).toContain(`Hello Ivan! Order ${chat.context.orderId}`);
    expect(buttons(shown).map((b) => b.text)).toEqual([t('templates.button.cancel')]);
    // Even a forged Send press does not send it.
    const id = shown.reply_markup!.inline_keyboard.flat()[0]!;
    const previewId = ('callback_data' in id ? id.callback_data! : '').split(':')[2];
    expect(await press(h, GROUP_ID, shown, `tpl:s:${previewId}`, ADMIN, true)).toBe(t('templates.blockedShort'));
    await h.settled();
    expect(h.sends()).toEqual([]);
  });

  it('refuses unknown variables, and deletes templates; a deleted one is not offered', async () => {
    ({ h } = await syncHarness());
    expect((await saveTemplate(h, 'typo', 'Hi {byuer}')).text).toBe(t('templates.unknownVariable', { names: '{byuer}' }));
    expect((await saveTemplate(h, 'bad name!', 'Hi')).text).toBe(t('templates.usage'));
    await saveTemplate(h, 'hello', 'Hello!');
    const { thread } = await buyerTopic(h);
    const cmd = command(h, GROUP_ID, thread, '/t');
    const picker = await h.replyTo(GROUP_ID, cmd.message_id);
    const del = command(h, GROUP_ID, undefined, '/template del hello');
    expect((await h.replyTo(GROUP_ID, del.message_id)).text).toBe(t('templates.deleted', { name: 'hello' }));
    expect(await press(h, GROUP_ID, picker, buttons(picker)[0]!.data)).toBe(t('templates.gone'));
    const again = command(h, GROUP_ID, thread, '/t');
    expect((await h.replyTo(GROUP_ID, again.message_id)).text).toBe(t('templates.none'));
  });

  it('is refused to people not on the team: saving, listing, picking and pressing Send', async () => {
    ({ h } = await syncHarness({ bridge: { templates: { shopName: 'Best Shop' } } }));
    await saveTemplate(h, 'shipping');
    const { chat, thread } = await buyerTopic(h);
    const source = h.says(GROUP_ID, undefined, 'Free text');
    const add = command(h, GROUP_ID, undefined, '/template add mine', { from: OUTSIDER, replyTo: source.message_id });
    expect((await h.replyTo(GROUP_ID, add.message_id)).text).toBe(t('auth.refused'));
    const list = command(h, GROUP_ID, thread, '/t', { from: OUTSIDER });
    expect((await h.replyTo(GROUP_ID, list.message_id)).text).toBe(t('auth.refused'));

    const { picker, preview: shown } = await preview(h, thread, 'shipping');
    expect(await press(h, GROUP_ID, picker, buttons(picker)[0]!.data, OUTSIDER)).toBe(t('auth.refused'));
    expect(await press(h, GROUP_ID, shown, buttons(shown)[0]!.data, OUTSIDER)).toBe(t('auth.refused'));
    await h.settled();
    expect(h.sends()).toEqual([]);
    expect(h.rows<{ n: number }>("SELECT count(*) AS n FROM templates WHERE name = 'mine'")[0]!.n).toBe(0);
    expect(h.rows<{ state: string }>('SELECT state FROM template_previews').map((r) => r.state)).toEqual(['previewed']);
    // The team still can.
    await press(h, GROUP_ID, shown, buttons(shown)[0]!.data);
    expect(await h.reacted(GROUP_ID, shown.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toHaveLength(1);
  });

  it('works in reply-chain mode: /t as a reply to the buyer’s post', async () => {
    ({ h } = await syncHarness({ target: 'private', bridge: { templates: { shopName: 'Best Shop' } } }));
    const source = h.says(ADMIN.id, undefined, 'Dear {buyer}, we are on it.');
    const cmd = command(h, ADMIN.id, undefined, '/template add onit', { replyTo: source.message_id });
    expect((await h.replyTo(ADMIN.id, cmd.message_id)).text).toBe(t('templates.saved', { name: 'onit' }));
    const chat = h.market.addChat({ customerName: 'Vera' });
    h.market.addMessage(chat.chatId, { message: 'Hello?' });
    await syncNow(h, chat.chatId);
    const post = h.tg.botMessages(ADMIN.id).at(-1)!;

    // Outside a buyer's chain, /t only lists and says where to use it.
    const loose = command(h, ADMIN.id, undefined, '/t');
    expect((await h.replyTo(ADMIN.id, loose.message_id)).text).toContain(t('templates.notInChat'));

    const ask = command(h, ADMIN.id, undefined, '/t', { replyTo: post.message_id });
    const picker = await h.replyTo(ADMIN.id, ask.message_id);
    press(h, ADMIN.id, picker, buttons(picker)[0]!.data).catch(() => undefined);
    const shown = await h.tg.waitForBotMessage((m) => m.chat.id === ADMIN.id && m.reply_to_message?.message_id === picker.message_id);
    expect(shown.text).toBe(t('templates.preview', { name: 'onit', text: 'Dear Vera, we are on it.' }));
    await press(h, ADMIN.id, shown, buttons(shown)[0]!.data);
    expect(await h.reacted(ADMIN.id, shown.message_id)).toEqual(['👍']);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Dear Vera, we are on it.']);
  });
});
