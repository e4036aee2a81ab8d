/**
 * Issue 10, translation between buyer and seller, end to end against both providers' fakes (Yandex Cloud Translate
 * v2 and DeepL v2, real HTTP on loopback, every request checked against the documented format): /translate, buyer
 * messages shown with their translation, the seller's preview and its three buttons (team only, at most one send,
 * also after a restart), auto mode, and every failure path (provider down, key refused, quota, rate limit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { ADMIN, OUTSIDER, cmd0, type Harness } from '../helpers/harness.js';
import { GROUP_ID, botTexts, syncHarness, syncNow } from '../helpers/sync.js';
import { FakeDeepL, deeplError } from '../fakes/translate-deepl.js';
import { FakeYandexTranslate, yandexError } from '../fakes/translate-yandex.js';
import type { FakeTranslateServer } from '../fakes/translate-common.js';

interface Provider {
  name: 'yandex' | 'deepl';
  start(): Promise<FakeTranslateServer>;
  env(f: FakeTranslateServer): Record<string, string>;
  error(status: number): { status: number; body: unknown };
  /** The status a used-up quota gets: DeepL's 456; Yandex answers 429 RESOURCE_EXHAUSTED. */
  quota: number;
  /** The translate request's body for `texts` into `to`, exactly as documented. */
  body(texts: string[], to: string): unknown;
  authHeader(f: FakeTranslateServer): string;
}

const PROVIDERS: Provider[] = [
  {
    name: 'yandex',
    start: () => FakeYandexTranslate.start(),
    env: (f) => ({ TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: f.apiKey, YANDEX_TRANSLATE_URL: f.url }),
    error: yandexError,
    quota: 429,
    body: (texts, to) => ({ texts, targetLanguageCode: to, format: 'PLAIN_TEXT' }),
    authHeader: (f) => `Api-Key ${f.apiKey}`,
  },
  {
    name: 'deepl',
    start: () => FakeDeepL.start(),
    env: (f) => ({ TRANSLATE_PROVIDER: 'deepl', DEEPL_API_KEY: f.apiKey, DEEPL_API_URL: f.url }),
    error: deeplError,
    quota: 456,
    body: (texts, to) => ({ text: texts, target_lang: to === 'en' ? 'EN-GB' : to.toUpperCase() }),
    authHeader: (f) => `DeepL-Auth-Key ${f.apiKey}`,
  },
];

/** Small waits and pauses, so the failure paths run in test time. */
const TRANSLATE_OPTIONS = {
  retryBaseMs: 10,
  maxRetryWaitMs: 2_000,
  pauseMs: { auth: 0, quota: 0, rate_limited: 0, unavailable: 0, rejected: 0 },
};

let h: Harness | undefined;
let fake: FakeTranslateServer | undefined;
afterEach(async () => {
  const key = fake?.apiKey;
  try {
    if (h && key) {
      expect(h.logs.join('').includes(key), 'translation key in logs').toBe(false);
      expect(h.botTexts().some((t) => t.includes(key)), 'translation key in a bot message').toBe(false);
    }
    await h?.close();
    expect(fake?.violations ?? [], 'requests outside the provider’s documented format').toEqual([]);
  } finally {
    await fake?.stop();
    h = undefined;
    fake = undefined;
  }
});

function button(m: Message, label: string): string {
  const b = (m.reply_markup?.inline_keyboard ?? []).flat().find((x) => x.text === label);
  if (!b || !('callback_data' in b) || !b.callback_data) throw new Error(`no button "${label}" on: ${m.text}`);
  return b.callback_data;
}

function labels(m: Message): string[][] {
  return (m.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
}

async function command(x: Harness, text: string, from = ADMIN, threadId?: number): Promise<Message> {
  const cmd = x.tg.userSends({ chatId: GROUP_ID, from, text, entities: [cmd0(text.split(' ')[0]!)], ...(threadId !== undefined ? { threadId } : {}) });
  return x.replyTo(GROUP_ID, cmd.message_id);
}

async function start(p: Provider): Promise<Harness> {
  fake = await p.start();
  ({ h } = await syncHarness({ env: p.env(fake), bridge: { translate: TRANSLATE_OPTIONS } }));
  return h;
}

/** A buyer chat with one buyer message, synced into its topic; returns the chat and the topic. */
async function buyerChat(x: Harness, first = 'Где мой заказ?') {
  const chat = x.market.addChat({ customerName: 'Ivan' });
  x.market.addMessage(chat.chatId, { message: first });
  await syncNow(x, chat.chatId);
  const threadId = x.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', chat.chatId)[0]!.tg_thread_id;
  return { chat, threadId };
}

/** The seller writes in the topic; resolves with the bot's answer to it (the preview, a notice). */
async function sellerWrites(x: Harness, threadId: number, text: string): Promise<{ sent: Message; answer: Message }> {
  const sent = x.says(GROUP_ID, threadId, text);
  const answer = await x.replyTo(GROUP_ID, sent.message_id);
  return { sent, answer };
}

async function press(x: Harness, m: Message, label: string, from = ADMIN, data = button(m, label)): Promise<void> {
  x.tg.userPressesButton({ chatId: GROUP_ID, messageId: m.message_id, from, data, force: true });
  await x.settled();
}

describe.each(PROVIDERS)('translation with $name', (p) => {
  it('/translate zh switches it on (checked with the provider, kept across a restart); buyer messages show the translation under the original, one request per sync', async () => {
    const x = await start(p);
    const on = await command(x, '/translate zh');
    expect(on.text).toMatch(/^🌐 Translation on: buyer messages here are shown with a translation into zh/);
    expect(x.rows('SELECT tg_chat_id, lang, auto, set_by FROM chat_translation')).toEqual([
      { tg_chat_id: GROUP_ID, lang: 'zh', auto: 0, set_by: ADMIN.id },
    ]);
    await x.restart();

    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    x.market.addMessage(chat.chatId, { message: 'Спасибо, жду.' });
    await syncNow(x, chat.chatId);

    const texts = botTexts(x, GROUP_ID).filter((t) => t.startsWith('👤 Buyer'));
    expect(texts).toEqual(['👤 Buyer\nГде мой заказ?\n\n🌐 ru → zh\n我的订单在哪里？', '👤 Buyer\nСпасибо, жду.\n\n🌐 ru → zh\n谢谢，我等着。']);
    // Both messages of the sync in one request, exactly as documented.
    const calls = fake!.translateCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('POST');
    expect(calls[0]!.headers.authorization).toBe(p.authHeader(fake!));
    expect(calls[0]!.headers['content-type']).toMatch(/^application\/json/);
    expect(calls[0]!.body).toEqual(p.body(['Где мой заказ?', 'Спасибо, жду.'], 'zh'));
  });

  it('a buyer message already in the team’s language is shown as it is; /translate off stops translating', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x, '您好，明天发货。');
    expect(botTexts(x, GROUP_ID, threadId).at(-1)).toBe('👤 Buyer\n您好，明天发货。');

    const off = await command(x, '/translate off');
    expect(off.text).toBe('Translation off: messages here are shown and sent as they are.');
    x.market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    await syncNow(x, chat.chatId);
    expect(botTexts(x, GROUP_ID, threadId).at(-1)).toBe('👤 Buyer\nГде мой заказ?');
    expect(fake!.translateCalls()).toHaveLength(1);
    // The seller's text now goes as it is.
    const sent = x.says(GROUP_ID, threadId, '您好，明天发货。');
    await x.reacted(GROUP_ID, sent.message_id);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['您好，明天发货。']);
  });

  it('a seller message in the team’s language gets a preview; “Send translation” sends exactly the previewed text once, 👍 on the seller’s message, also when pressed again after a restart', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);

    const { sent, answer: preview } = await sellerWrites(x, threadId, '您好，明天发货。');
    expect(preview.text).toBe('🌐 Not sent yet. The buyer would get this (ru):\n\nЗдравствуйте, отправим завтра.');
    expect(labels(preview)).toEqual([['Send translation'], ['Send original', 'Cancel']]);
    await x.settled();
    expect(x.sends(chat.chatId)).toHaveLength(0);
    expect(fake!.translateCalls().at(-1)!.body).toEqual(p.body(['您好，明天发货。'], 'ru'));

    await press(x, preview, 'Send translation');
    expect(await x.reacted(GROUP_ID, sent.message_id)).toEqual(['👍']);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);
    expect(x.tg.message(GROUP_ID, preview.message_id)!.text).toMatch(/→ Sending the translation\./);
    expect(x.relayRow(GROUP_ID, sent.message_id)).toMatchObject({ state: 'delivered', text: 'Здравствуйте, отправим завтра.' });

    // Pressed again (an old client still shows the buttons), then again after a restart: nothing more is sent.
    await press(x, preview, 'Send translation', ADMIN, button(preview, 'Send translation'));
    await x.restart();
    await press(x, preview, 'Send original', ADMIN, button(preview, 'Send original'));
    await x.settled();
    expect(x.sends(chat.chatId)).toHaveLength(1);
    const answers = x.tg.calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.params.text);
    expect(answers.slice(-2)).toEqual(['Already decided: nothing more is sent.', 'Already decided: nothing more is sent.']);

    // The buyer's next message sees the seller's reply as the shop's own (not posted again as a cabinet message).
    x.market.addMessage(chat.chatId, { message: 'Спасибо, жду.' });
    await syncNow(x, chat.chatId);
    expect(botTexts(x, GROUP_ID, threadId).filter((t) => t.includes('Shop, from the Market cabinet'))).toEqual([]);
  });

  it('“Send original” sends the seller’s own text; “Cancel” sends nothing, and a press after it does nothing', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);

    const first = await sellerWrites(x, threadId, '可以，请告诉我尺码。');
    await press(x, first.answer, 'Send original');
    await x.reacted(GROUP_ID, first.sent.message_id);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['可以，请告诉我尺码。']);
    expect(x.tg.message(GROUP_ID, first.answer.message_id)!.text).toMatch(/→ Sending your original text\./);

    const second = await sellerWrites(x, threadId, '您好，明天发货。');
    await press(x, second.answer, 'Cancel');
    expect(x.tg.message(GROUP_ID, second.answer.message_id)!.text).toMatch(/→ Cancelled: nothing was sent\.$/);
    expect(x.tg.message(GROUP_ID, second.answer.message_id)!.reply_markup?.inline_keyboard ?? []).toEqual([]);
    await press(x, second.answer, 'Send translation', ADMIN, button(second.answer, 'Send translation'));
    await x.settled();
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['可以，请告诉我尺码。']);
    expect(x.relayRow(GROUP_ID, second.sent.message_id)).toBeUndefined();
    expect(x.rows('SELECT state, sent FROM translation_previews ORDER BY id')).toEqual([
      { state: 'sent', sent: 'original' },
      { state: 'cancelled', sent: null },
    ]);
  });

  it('only the team can press the buttons or use /translate', async () => {
    const x = await start(p);
    x.tg.addMember(GROUP_ID, OUTSIDER);
    const refused = await command(x, '/translate zh', OUTSIDER);
    expect(refused.text).toMatch(/only the shop’s team can use this command/);
    expect(x.rows('SELECT * FROM chat_translation')).toEqual([]);

    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);
    const { answer: preview } = await sellerWrites(x, threadId, '您好，明天发货。');
    await press(x, preview, 'Send translation', OUTSIDER);
    expect(x.sends(chat.chatId)).toHaveLength(0);
    const refusal = x.tg.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)!;
    expect(refusal.params).toMatchObject({ show_alert: true });
    expect(x.rows('SELECT state FROM translation_previews')).toEqual([{ state: 'previewed' }]);
    // The team's press still works.
    await press(x, preview, 'Send translation');
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);
  });

  it('auto mode sends the translation at once and shows it in the thread; a redelivered update sends nothing more', async () => {
    const x = await start(p);
    const on = await command(x, '/translate zh auto');
    expect(on.text).toMatch(/^🌐 Translation on \(auto\)/);
    const { chat, threadId } = await buyerChat(x);
    const { sent, answer } = await sellerWrites(x, threadId, '您好，明天发货。');
    expect(answer.text).toBe('🌐 Sent to the buyer in ru:\n\nЗдравствуйте, отправим завтра.');
    expect(answer.reply_markup).toBeUndefined();
    expect(await x.reacted(GROUP_ID, sent.message_id)).toEqual(['👍']);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);

    x.redeliver(sent);
    await x.settled();
    expect(x.sends(chat.chatId)).toHaveLength(1);
    expect(x.repliesTo(GROUP_ID, sent.message_id)).toHaveLength(1);
  });

  it('a seller message in the buyer’s language goes as it is; replies go into the language the buyer writes in', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);
    const ru = x.says(GROUP_ID, threadId, 'Здравствуйте, отправим завтра.');
    await x.reacted(GROUP_ID, ru.message_id);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);
    expect(x.repliesTo(GROUP_ID, ru.message_id)).toEqual([]);

    // A buyer who writes English gets English.
    const en = x.market.addChat({ customerName: 'John' });
    x.market.addMessage(en.chatId, { message: 'Where is my order?' });
    await syncNow(x, en.chatId);
    const enThread = x.rows<{ tg_thread_id: number }>('SELECT tg_thread_id FROM threads WHERE market_chat_id = ?', en.chatId)[0]!.tg_thread_id;
    expect(botTexts(x, GROUP_ID, enThread).at(-1)).toBe('👤 Buyer\nWhere is my order?\n\n🌐 en → zh\n[zh] Where is my order?');
    const { answer } = await sellerWrites(x, enThread, '您好，明天发货。');
    expect(answer.text).toBe('🌐 Not sent yet. The buyer would get this (en):\n\n[en] 您好，明天发货。');
    expect(fake!.translateCalls().at(-1)!.body).toEqual(p.body(['您好，明天发货。'], 'en'));
  });

  it('provider down: the seller is told in plain words, nothing is sent by itself, “Send original” sends the original; buyer messages are posted with a short note', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    fake!.failAlways(p.error(503));
    const { chat, threadId } = await buyerChat(x);
    expect(botTexts(x, GROUP_ID, threadId).at(-1)).toBe('👤 Buyer\nГде мой заказ?\n\n🌐 Not translated: the translation service did not answer.');

    const { sent, answer } = await sellerWrites(x, threadId, '您好，明天发货。');
    expect(answer.text).toMatch(/^⚠️ Not sent: your message could not be translated: the translation service did not answer\. Nothing went to the buyer\./);
    expect(answer.text).toContain('HTTP 503');
    expect(labels(answer)).toEqual([['Send original', 'Cancel']]);
    await x.settled();
    expect(x.sends(chat.chatId)).toHaveLength(0);
    // Retried (translation is idempotent), then given up: 1 + 2 retries for the buyer's message, as many for the seller's.
    expect(fake!.translateCalls().map((c) => c.status)).toEqual([503, 503, 503, 503, 503, 503]);

    fake!.clearFaults();
    await press(x, answer, 'Send original');
    await x.reacted(GROUP_ID, sent.message_id);
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['您好，明天发货。']);
  });

  it('a refused key and a used-up quota are said in plain words, naming the setting to check', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);

    fake!.failNext(p.error(p.name === 'deepl' ? 403 : 401));
    const refused = await sellerWrites(x, threadId, '您好，明天发货。');
    const variable = p.name === 'deepl' ? 'DEEPL_API_KEY' : 'YANDEX_TRANSLATE_API_KEY';
    expect(refused.answer.text).toContain(`the translation service refused the bot’s key (the owner should check ${variable}).`);

    fake!.failAlways(p.error(p.quota));
    const quota = await sellerWrites(x, threadId, '可以，请告诉我尺码。');
    expect(quota.answer.text).toContain(
      p.quota === 456 ? 'the translation plan’s characters are used up for now.' : 'the translation service asked the bot to slow down.',
    );
    await x.settled();
    expect(x.sends(chat.chatId)).toHaveLength(0);
  });

  it('a translation too long to preview whole is not offered: the seller may send the original or cancel', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);
    const long = '好'.repeat(3_950);
    const { sent, answer } = await sellerWrites(x, threadId, long);
    expect(answer.text).toMatch(/could not be translated: the translation is too long for one message; split your text into shorter messages\./);
    expect(labels(answer)).toEqual([['Send original', 'Cancel']]);
    await press(x, answer, 'Send original');
    await x.reacted(GROUP_ID, sent.message_id);
    expect(x.market.partnerTexts(chat.chatId)).toEqual([long]);
  });

  it('a 429 with Retry-After is waited out and the translation goes through', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    fake!.failNext({ ...p.error(429), headers: { 'Retry-After': '1' } });
    const chat = x.market.addChat({ customerName: 'Ivan' });
    x.market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    await syncNow(x, chat.chatId);
    expect(botTexts(x, GROUP_ID).at(-1)).toBe('👤 Buyer\nГде мой заказ?\n\n🌐 ru → zh\n我的订单在哪里？');
    expect(fake!.translateCalls().map((c) => c.status)).toEqual([429, 200]);
  });

  it('a long backlog is split only at the provider’s limits (DeepL 50 texts, Yandex 10,000 characters); each message keeps its own translation', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const chat = x.market.addChat({ customerName: 'Ivan' });
    const texts =
      p.name === 'deepl'
        ? Array.from({ length: 60 }, (_, i) => `Вопрос номер ${i + 1}`)
        : Array.from({ length: 3 }, (_, i) => `${'Ж'.repeat(4000)} ${i + 1}`);
    for (const message of texts) x.market.addMessage(chat.chatId, { message });
    await syncNow(x, chat.chatId);
    const sizes = fake!.translateCalls().map((c) => {
      const b = c.body as { texts?: string[]; text?: string[] };
      return (b.texts ?? b.text)!.length;
    });
    expect(sizes).toEqual(p.name === 'deepl' ? [50, 10] : [2, 1]);
    // Long ones are split into several Telegram messages (4096 characters each): compared without the line breaks.
    const shown = botTexts(x, GROUP_ID).join('').replace(/\n/g, '');
    for (const text of texts) expect(shown).toContain(`${text}🌐 ru → zh[zh] ${text}`);
  });

  it('a buyer message whose post failed is posted after a restart with the translation made before, not a second request', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);
    x.tg.failNext('sendMessage', { kind: 'status', code: 400, description: 'Bad Request: refused for the test' });
    x.market.addMessage(chat.chatId, { message: 'Спасибо, жду.' });
    await syncNow(x, chat.chatId);
    expect(botTexts(x, GROUP_ID, threadId).some((t) => t.includes('Спасибо'))).toBe(false);
    expect(x.rows('SELECT text FROM buyer_translations ORDER BY market_message_id')).toEqual([{ text: '我的订单在哪里？' }, { text: '谢谢，我等着。' }]);

    await x.restart();
    await x.until(() => botTexts(x, GROUP_ID, threadId).includes('👤 Buyer\nСпасибо, жду.\n\n🌐 ru → zh\n谢谢，我等着。'), 5000, 'the backlog');
    expect(fake!.translateCalls().filter((c) => JSON.stringify(c.body).includes('Спасибо'))).toHaveLength(1);
  });

  it('a preview survives a restart and a redelivered update: no second preview, and a press after the restart sends once', async () => {
    const x = await start(p);
    await command(x, '/translate zh');
    const { chat, threadId } = await buyerChat(x);
    const { sent, answer: preview } = await sellerWrites(x, threadId, '您好，明天发货。');
    x.redeliver(sent);
    await x.settled();
    await x.restart();
    x.redeliver(sent);
    await x.settled();
    expect(x.repliesTo(GROUP_ID, sent.message_id)).toHaveLength(1);
    expect(fake!.translateCalls().filter((c) => JSON.stringify(c.body).includes('您好'))).toHaveLength(1);

    await press(x, preview, 'Send translation');
    await x.reacted(GROUP_ID, sent.message_id);
    await press(x, preview, 'Send translation');
    expect(x.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);
  });

  it('/translate with an unknown language or a bad code changes nothing', async () => {
    const x = await start(p);
    expect((await command(x, '/translate xx')).text).toBe(`The translation service (${p.name}) does not translate into “xx”. Nothing changed.`);
    expect((await command(x, '/translate 12')).text).toMatch(/^“12” is not a language code/);
    expect((await command(x, '/translate')).text).toMatch(/^Translation is off here\./);
    expect(x.rows('SELECT * FROM chat_translation')).toEqual([]);
  });
});

describe('translation not set up', () => {
  it('/translate says what the owner has to set', async () => {
    ({ h } = await syncHarness());
    expect((await command(h, '/translate zh')).text).toMatch(/TRANSLATE_PROVIDER \(yandex or deepl\)/);
  });
});

describe('translation in other places', () => {
  it('Yandex with YANDEX_TRANSLATE_FOLDER_ID: every request carries that folderId', async () => {
    const y = await FakeYandexTranslate.start({ folderId: 'b1gfolder42' });
    fake = y;
    ({ h } = await syncHarness({
      env: { TRANSLATE_PROVIDER: 'yandex', YANDEX_TRANSLATE_API_KEY: y.apiKey, YANDEX_TRANSLATE_URL: y.url, YANDEX_TRANSLATE_FOLDER_ID: 'b1gfolder42' },
      bridge: { translate: TRANSLATE_OPTIONS },
    }));
    await command(h, '/translate zh');
    const { threadId } = await buyerChat(h);
    expect(botTexts(h, GROUP_ID, threadId).at(-1)).toBe('👤 Buyer\nГде мой заказ?\n\n🌐 ru → zh\n我的订单在哪里？');
    expect(y.requests.map((r) => [r.path, (r.body as { folderId?: string }).folderId])).toEqual([
      ['/translate/v2/languages', 'b1gfolder42'],
      ['/translate/v2/translate', 'b1gfolder42'],
    ]);
  });

  it('in a private chat (reply chains): the buyer message with its header and translation, and a reply to it previewed and sent', async () => {
    fake = await FakeDeepL.start();
    ({ h } = await syncHarness({ target: 'private', env: PROVIDERS[1]!.env(fake), bridge: { translate: TRANSLATE_OPTIONS } }));
    const cmd = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: '/translate zh', entities: [cmd0('/translate')] });
    await h.replyTo(ADMIN.id, cmd.message_id);
    const chat = h.market.addChat({ customerName: 'Ivan' });
    h.market.addMessage(chat.chatId, { message: 'Где мой заказ?' });
    await syncNow(h, chat.chatId);
    const buyer = h.tg.botMessages(ADMIN.id).at(-1)!;
    expect(buyer.text).toBe(`💬 Order ${chat.context.orderId} · Ivan (chat ${chat.chatId}) — 👤 Buyer\nГде мой заказ?\n\n🌐 ru → zh\n我的订单在哪里？`);

    const reply = h.tg.userSends({ chatId: ADMIN.id, from: ADMIN, text: '您好，明天发货。', replyTo: buyer.message_id });
    const preview = await h.replyTo(ADMIN.id, reply.message_id);
    expect(preview.text).toBe('🌐 Not sent yet. The buyer would get this (ru):\n\nЗдравствуйте, отправим завтра.');
    h.tg.userPressesButton({ chatId: ADMIN.id, messageId: preview.message_id, from: ADMIN, data: button(preview, 'Send translation') });
    await h.reacted(ADMIN.id, reply.message_id);
    expect(h.market.partnerTexts(chat.chatId)).toEqual(['Здравствуйте, отправим завтра.']);
  });
});
