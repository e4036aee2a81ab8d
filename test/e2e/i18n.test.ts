/**
 * The bot's own words in ru, en and zh, end to end: /language per chat (kept across restarts), BOT_LANGUAGE for
 * groups, the user's Telegram language in a private chat, the menu in three languages, and the main reply paths
 * walked in Russian and Chinese with a check that no English sentence reaches the seller.
 *
 * The check: every ASCII word of the English catalogue that the Russian and Chinese catalogues do not use
 * themselves (commands, setting names, "Telegram", "Api-Key", "HTTP" are shared) must not appear in anything the
 * bot sent to the chat: messages, edits, captions, topic names, button labels and button answers. What the test
 * itself put in (buyer names and messages, written in Russian) and Market's technical line are not the bot's words.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FluentResource } from '@fluent/bundle';
import type { Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../../src/paths.js';
import { textProblems } from '../../src/texts.js';
import type { Lang } from '../../src/languages.js';
import { ADMIN, Harness, OUTSIDER } from '../helpers/harness.js';
import { GROUP_ID, liveTopics, syncHarness, syncNow } from '../helpers/sync.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The literal text of every message of a catalogue (placeholders, ids and selector keys left out). */
function catalogueWords(lang: Lang): Set<string> {
  const words = new Set<string>();
  // The language's main file and every <lang>.<area>.ftl other parts add.
  for (const file of readdirSync(LOCALES_DIR).filter((n) => n.endsWith('.ftl') && n.split('.')[0] === lang)) {
    const resource = new FluentResource(readFileSync(join(LOCALES_DIR, file), 'utf8'));
    const walk = (n: unknown): void => {
      if (typeof n === 'string') {
        for (const w of n.match(/[A-Za-z][A-Za-z'’]+/g) ?? []) words.add(w.toLowerCase());
      } else if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const o = n as { type?: string; value?: unknown; variants?: { value: unknown }[] };
        if (o.type === 'str') walk(o.value);
        o.variants?.forEach((v) => walk(v.value));
      }
    };
    for (const entry of resource.body) walk((entry as { value: unknown }).value);
  }
  return words;
}

const shared = new Set([...catalogueWords('ru'), ...catalogueWords('zh')]);
const englishOnly = [...catalogueWords('en')].filter((w) => !shared.has(w));

/** Everything the bot showed in `chatId` (and every button answer), as the seller reads it. */
function shownIn(h: Harness, chatId: number): string[] {
  const out: string[] = [];
  for (const c of h.tg.calls) {
    if (!c.ok) continue;
    const p = c.params as Record<string, unknown> & { reply_markup?: { inline_keyboard?: { text: string }[][] } };
    if (c.method === 'answerCallbackQuery') {
      if (typeof p.text === 'string') out.push(p.text);
      continue;
    }
    if (p.chat_id !== chatId) continue;
    for (const k of ['text', 'caption', 'name'] as const) if (typeof p[k] === 'string') out.push(p[k] as string);
    for (const row of p.reply_markup?.inline_keyboard ?? []) for (const b of row) out.push(b.text);
  }
  return out;
}

function englishIn(texts: string[], theirs: string[]): string[] {
  const found = new Set<string>();
  for (const raw of texts) {
    let text = raw;
    for (const s of theirs) text = text.split(s).join(' ');
    // Market's own technical line ("HTTP 500 · CODE · message") is shown as Market wrote it.
    text = text.split('\n').filter((l) => !/^HTTP \d{3}/.test(l)).join('\n').replace(/HTTP \d{3}( [A-Z_]+)?/g, ' ');
    // Codes in capitals (Market's BAD_REQUEST, the bridge's TOO_LONG in /status) are identifiers, not sentences.
    text = text.replace(/\b[A-Z][A-Z0-9_]+\b/g, ' ');
    // The language buttons name each language in itself (English, Русский, 中文), whatever the chat speaks.
    if (text === 'English') continue;
    for (const w of text.match(/[A-Za-z][A-Za-z'’]+/g) ?? []) if (englishOnly.includes(w.toLowerCase())) found.add(`${w} in: ${raw.slice(0, 120)}`);
  }
  return [...found];
}

const BUYER = 'Иван Петров';
const BUYER_SAYS = ['Здравствуйте, где мой заказ?', 'Спасибо!'];

function command(h: Harness, chatId: number, threadId: number | undefined, text: string, from = ADMIN): Message {
  return h.says(chatId, threadId, text, from);
}

/** The bot's next message after `m` in its chat (and topic). */
function answer(h: Harness, m: Message): Promise<Message> {
  return h.answerAfter(m.chat.id, m.message_id, m.is_topic_message ? m.message_thread_id : undefined);
}

/** The main reply paths, in a forum group whose language was set with /language. */
async function walkForum(lang: 'ru' | 'zh'): Promise<{ h: Harness; texts: string[]; theirs: string[] }> {
  const { h } = await syncHarness({ env: { BOT_LANGUAGE: 'en' } });
  const done = await answer(h, command(h, GROUP_ID, undefined, `/language ${lang}`));
  expect(done.text).toBe(lang === 'ru' ? 'Готово: в этом чате бот теперь говорит по-русски.' : '好的：本聊天中机器人现在使用中文。');

  // /start, /help and its second page, /language with its buttons.
  await answer(h, command(h, GROUP_ID, undefined, '/start'));
  const help = await answer(h, command(h, GROUP_ID, undefined, '/help'));
  h.tg.userPressesButton({ chatId: GROUP_ID, messageId: help.message_id, from: ADMIN, data: 'help:more' });
  await h.tg.waitForCall('editMessageText', (c) => c.params.message_id === help.message_id);
  h.tg.userPressesButton({ chatId: GROUP_ID, messageId: help.message_id, from: ADMIN, data: 'help:main' });
  await h.settled();
  await answer(h, command(h, GROUP_ID, undefined, '/language'));
  await answer(h, command(h, GROUP_ID, undefined, '/language de'));

  // A buyer chat brought in: its topic, card and messages.
  const chat = h.market.addChat({ customerName: BUYER });
  for (const m of BUYER_SAYS) h.market.addMessage(chat.chatId, { message: m });
  await syncNow(h, chat.chatId);
  const thread = liveTopics(h)[0]!.message_thread_id;

  // The seller answers: delivered, refused before sending, failed at Market, edited.
  const reply = h.says(GROUP_ID, thread, 'Добрый день, заказ в пути.');
  expect(await h.reacted(GROUP_ID, reply.message_id)).toEqual(['👍']);
  await h.replyTo(GROUP_ID, h.tg.userSends({ chatId: GROUP_ID, threadId: thread, from: ADMIN, sticker: true }).message_id);
  await h.replyTo(GROUP_ID, h.says(GROUP_ID, thread, 'я'.repeat(4097)).message_id);
  h.market.failNext('sendMessageToChat', { kind: 'status', status: 400 });
  await h.replyTo(GROUP_ID, h.says(GROUP_ID, thread, 'Пришлите фото коробки.').message_id);
  h.tg.userEdits({ chatId: GROUP_ID, messageId: reply.message_id, text: 'Добрый день!' });
  await h.tg.waitForBotMessage((m) => m.reply_to_message?.message_id === reply.message_id && m.message_id > reply.message_id);
  await h.replyTo(GROUP_ID, h.says(GROUP_ID, thread, 'Я тоже из магазина.', OUTSIDER).message_id);

  // A reply that waits for Market's limit: ⏳, then edited to ✓ when it goes.
  h.rateLimitNextSend(1200);
  const waited = h.says(GROUP_ID, thread, 'Курьер приедет завтра.');
  const note = await h.replyTo(GROUP_ID, waited.message_id);
  expect(await h.reacted(GROUP_ID, waited.message_id, 8000)).toEqual(['👍']);
  await h.until(() => h.tg.message(GROUP_ID, note.message_id)?.text?.startsWith('✓'), 5000, 'the ⏳ note edited');
  // A secret pasted: refused, and /status shows it withheld.
  await h.replyTo(GROUP_ID, h.says(GROUP_ID, thread, `токен ${h.config.telegram.token}`).message_id);

  // Market did not confirm and its history cannot be read: the ❓ question, answered with "Don't send".
  h.market.failNext('sendMessageToChat', { kind: 'status', status: 500 });
  h.market.failNext('getChatHistory', { kind: 'status', status: 403 }, 10);
  const unsure = h.says(GROUP_ID, thread, 'Проверьте, пожалуйста.');
  const question = await h.replyTo(GROUP_ID, unsure.message_id, 8000);
  const drop = question.reply_markup!.inline_keyboard.flat()[1] as { callback_data: string };
  h.tg.userPressesButton({ chatId: GROUP_ID, messageId: question.message_id, from: ADMIN, data: drop.callback_data });
  await h.settled();
  expect(h.market.violations).toEqual([]); // reset() below forgets them
  h.market.reset(); // the history answers again

  // /link to another chat in a linked topic asks first; keep.
  const second = h.market.addChat({ customerName: 'Ольга' });
  const ask = await answer(h, command(h, GROUP_ID, thread, `/link ${second.chatId}`));
  const keep = ask.reply_markup!.inline_keyboard[0]![1]!;
  h.tg.userPressesButton({ chatId: GROUP_ID, messageId: ask.message_id, from: ADMIN, data: (keep as { callback_data: string }).callback_data });
  await h.settled();

  // /status, /link (usage, a bad id, a chat Market does not have), /unlink.
  await answer(h, command(h, GROUP_ID, thread, '/status'));
  await answer(h, command(h, GROUP_ID, thread, '/link'));
  await answer(h, command(h, GROUP_ID, thread, '/link abc'));
  await answer(h, command(h, GROUP_ID, thread, '/link 99999999'));
  await answer(h, command(h, GROUP_ID, thread, '/unlink'));
  await answer(h, command(h, GROUP_ID, thread, '/status'));

  // The chat finishes on Market: the topic is told.
  h.market.setChatStatus(chat.chatId, 'FINISHED');
  await syncNow(h, chat.chatId);
  await h.settled();
  return { h, texts: shownIn(h, GROUP_ID), theirs: [BUYER, 'Ольга', ...BUYER_SAYS, 'Добрый день, заказ в пути.', 'Пришлите фото коробки.', 'Курьер приедет завтра.', 'Проверьте, пожалуйста.'] };
}

describe('the bot speaks the chat’s language', () => {
  for (const lang of ['ru', 'zh'] as const) {
    it(`walks the main reply paths after /language ${lang} and shows no English sentence`, async () => {
      const before = textProblems().length;
      const walked = await walkForum(lang);
      h = walked.h;
      expect(walked.texts.length).toBeGreaterThan(20);
      // The check itself sees English when there is some.
      for (const english of ['✓ Sent to the buyer.', 'Status: waiting for your reply']) expect(englishIn([english], [])).not.toEqual([]);
      expect(englishIn(walked.texts, walked.theirs)).toEqual([]);
      // Not "nothing English" by showing nothing: the replies are the catalogue's, in this language.
      const all = walked.texts.join('\n');
      if (lang === 'ru') {
        expect(all).toContain('Покупатель: Иван Петров');
        expect(all).toContain('Статус: ожидает ответа магазина');
        expect(all).toContain('❌ Не доставлено: Маркет отклонил это сообщение.');
        expect(all).toContain('⏳ Маркет просит отправлять реже');
        expect(all).toMatch(/\d{1,2} [а-я]{3,4} \d{2}:\d{2} МСК ✓ доставлено/);
        expect(all).toContain('[не сохранено: содержало секрет]');
        expect(all).toContain('❓ Не могу понять, получил ли покупатель это сообщение');
        expect(all).toContain('Повторно не отправлено.');
      } else {
        expect(all).toContain('买家：Иван Петров');
        expect(all).toContain('状态：等待店铺回复');
        expect(all).toContain('❌ 未送达：Market 拒绝了这条消息。');
        expect(all).toContain('⏳ Market 要求放慢速度');
        expect(all).toContain('❓ 无法确定买家是否收到这条消息');
        expect(all).toMatch(/\d{1,2}月\d{1,2}日 \d{2}:\d{2} \(莫斯科时间\) ✓ 已送达/);
      }
      expect(textProblems().slice(before)).toEqual([]);
    }, 30_000);
  }

  it('keeps /language across a restart, and leaves other chats on BOT_LANGUAGE', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'en' } }));
    await answer(h, command(h, GROUP_ID, undefined, '/language zh'));
    await h.restart();
    const help = await answer(h, command(h, GROUP_ID, undefined, '/help'));
    expect(help.text).toMatch(/^我把这个 Telegram 聊天/);
    // Another group the team uses still speaks BOT_LANGUAGE.
    const other = h.tg.addGroup({ title: 'Second team', forum: false });
    const there = await answer(h, command(h, other.id, undefined, '/help'));
    expect(there.text).toMatch(/^I connect this Telegram chat/);
    expect(h.rows('SELECT tg_chat_id, language, source FROM chat_languages')).toEqual([{ tg_chat_id: GROUP_ID, language: 'zh', source: 'chosen' }]);
  });

  it('only the team may change the language', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'ru' } }));
    const refused = await answer(h, command(h, GROUP_ID, undefined, '/language en', OUTSIDER));
    expect(refused.text).toMatch(/^Эта команда доступна только команде магазина/);
    expect(h.rows('SELECT * FROM chat_languages')).toEqual([]);
    // The button does the same check.
    const shown = await answer(h, command(h, GROUP_ID, undefined, '/language'));
    h.tg.userPressesButton({ chatId: GROUP_ID, messageId: shown.message_id, from: OUTSIDER, data: 'language:zh' });
    await h.settled();
    expect(h.rows('SELECT * FROM chat_languages')).toEqual([]);
    h.tg.userPressesButton({ chatId: GROUP_ID, messageId: shown.message_id, from: ADMIN, data: 'language:zh' });
    await h.settled();
    expect(h.rows<{ language: string }>('SELECT language FROM chat_languages')[0]?.language).toBe('zh');
    expect(h.tg.message(GROUP_ID, shown.message_id)?.text).toBe('好的：本聊天中机器人现在使用中文。');
  });

  it('BOT_LANGUAGE speaks for a group that chose nothing: buyer chats, topic names and start-up', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'ru' } }));
    const chat = h.market.addChat({ customerName: BUYER });
    h.market.addMessage(chat.chatId, { message: BUYER_SAYS[0]! });
    await syncNow(h, chat.chatId);
    expect(liveTopics(h)[0]!.name).toBe(`❗ Заказ ${chat.context.orderId} · ${BUYER}`);
    expect(englishIn(shownIn(h, GROUP_ID), [BUYER, ...BUYER_SAYS])).toEqual([]);
  });

  it('a private chat with no choice follows the user’s Telegram language, and notices there later too', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'en' } }));
    const zhUser = { ...ADMIN, language_code: 'zh-hans' };
    h.tg.addPrivateChat(zhUser);
    const help = await answer(h, h.says(ADMIN.id, undefined, '/help', zhUser));
    expect(help.text).toMatch(/^我把这个 Telegram 聊天/);
    expect(h.rows('SELECT language, source FROM chat_languages WHERE tg_chat_id = ?', ADMIN.id)).toEqual([{ language: 'zh', source: 'telegram' }]);
    // A /language choice wins over the app's language.
    await answer(h, h.says(ADMIN.id, undefined, '/language ru', zhUser));
    const again = await answer(h, h.says(ADMIN.id, undefined, '/help', zhUser));
    expect(again.text).toMatch(/^Я связываю этот чат Telegram/);
  });

  it('registers the command menu in all three languages, and the default in BOT_LANGUAGE', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'ru' } }));
    const menus = new Map(
      h.tg.calls
        .filter((c) => c.method === 'setMyCommands' && c.ok)
        .map((c) => [(c.params.language_code as string | undefined) ?? '', c.params.commands as { command: string; description: string }[]]),
    );
    expect([...menus.keys()].sort()).toEqual(['', 'en', 'ru', 'zh']);
    for (const menu of menus.values()) expect(menu.map((c) => c.command)).toEqual(['help', 'link', 'unlink', 'status', 'chats', 'stats', 'language', 'translate', 'id', 'team', 'setup']);
    expect(menus.get('en')![0]!.description).toBe('What this bot does and how to answer buyers');
    expect(menus.get('ru')![0]!.description).toBe('Что умеет бот и как отвечать покупателям');
    expect(menus.get('zh')![0]!.description).toBe('机器人的功能以及如何回复买家');
    expect(menus.get('')).toEqual(menus.get('ru'));
  });

  it('start-up lines the seller reads in the terminal speak BOT_LANGUAGE', async () => {
    h = await Harness.create({ env: { BOT_LANGUAGE: 'zh', TELEGRAM_CHAT_ID: '-1009999999999' }, start: false });
    await expect(h.start()).rejects.toThrow(/^TELEGRAM_CHAT_ID -1009999999999 不是机器人所在的聊天/);
  });

  it('/start says the one next step: not on the team, set-up not finished, or how to answer', async () => {
    ({ h } = await syncHarness({ env: { BOT_LANGUAGE: 'en' } }));
    const next = await answer(h, command(h, GROUP_ID, undefined, '/start'));
    expect(next.text).toContain('To answer a buyer: write in the buyer’s topic');
    h.tg.addPrivateChat(OUTSIDER);
    const outsider = await answer(h, h.says(OUTSIDER.id, undefined, '/start', OUTSIDER));
    // The gate answers an outsider's command in private with its refusal; the refusal names what to do.
    expect(outsider.text).toContain('/team add');
  });
});
