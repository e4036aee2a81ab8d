// Self-test of the fake Telegram Bot API server, driven by a real grammY Bot (and @grammyjs/runner).

import { Bot, GrammyError, InputFile } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { run } from '@grammyjs/runner';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeTelegram, TINY_PNG } from './telegram.js';

let fake: FakeTelegram;
const bots: Bot[] = [];

beforeEach(async () => {
  fake = await FakeTelegram.start();
});

afterEach(async () => {
  for (const b of bots.splice(0)) if (b.isRunning()) await b.stop();
  await fake.stop();
});

function newBot(): Bot {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot } });
  bots.push(bot);
  return bot;
}

/** Starts grammY's built-in long polling; returns a stop function. Handler errors fail the test. */
function startPolling(bot: Bot): { stop: () => Promise<void>; errors: unknown[] } {
  const errors: unknown[] = [];
  bot.catch((e) => {
    errors.push(e.error);
  });
  const running = bot.start({ timeout: 30 });
  return {
    errors,
    stop: async () => {
      await bot.stop();
      await running;
    },
  };
}

async function raw(method: string, params: Record<string, unknown> = {}, token = fake.token) {
  const r = await fetch(`${fake.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: r.status, body: (await r.json()) as { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } } };
}

async function apiError(p: Promise<unknown>): Promise<GrammyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GrammyError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

const seller = { id: 5001, first_name: 'Sally', username: 'sally_seller' };

describe('FakeTelegram', () => {
  it('answers getMe, 404 for unknown methods and 401 for a wrong token', async () => {
    const bot = newBot();
    await bot.init();
    expect(bot.botInfo).toMatchObject({ id: 900001, is_bot: true, username: 'market_bridge_bot', can_join_groups: true });
    const unknown = await raw('sendTelepathy');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    const wrong = await raw('getMe', {}, '1:wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ ok: false, error_code: 401, description: 'Unauthorized' });
    expect(fake.calls.map((c) => c.method)).toEqual(['getMe', 'sendTelepathy', 'getMe']);
  });

  it('delivers an update once when confirmed, again when the bot crashed before confirming', async () => {
    fake.addPrivateChat({ id: 111, first_name: 'Ann' });
    const sent = fake.userSends({ chatId: 111, from: { id: 111 }, text: 'hello' });
    expect(fake.pendingUpdates()).toBe(1);

    // A bot that fetched the update and crashed before its next getUpdates: nothing was confirmed.
    const first = await raw('getUpdates', { timeout: 0 });
    const again = await raw('getUpdates', { timeout: 0 });
    const ids = (r: typeof first) => (r.body.result as Update[]).map((u) => u.update_id);
    expect(ids(first)).toHaveLength(1);
    expect(ids(again)).toEqual(ids(first));
    expect((first.body.result as Update[])[0]?.message?.text).toBe('hello');

    // The restarted bot gets it, handles it once, and confirms it with its next poll.
    const bot = newBot();
    const seen: number[] = [];
    bot.on('message:text', (ctx) => {
      seen.push(ctx.message.message_id);
    });
    const polling = startPolling(bot);
    await fake.waitForConfirmed();
    expect(fake.pendingUpdates()).toBe(0);
    await polling.stop();
    expect(seen).toEqual([sent.message_id]);
    expect(polling.errors).toEqual([]);

    // Confirmed means gone for good.
    const after = await raw('getUpdates', { timeout: 0 });
    expect(after.body.result).toEqual([]);
  });

  it('holds a long poll until an update arrives', async () => {
    fake.addPrivateChat({ id: 112 });
    const t0 = Date.now();
    const poll = raw('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 150));
    fake.userSends({ chatId: 112, from: { id: 112 }, text: 'late' });
    const r = await poll;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((r.body.result as Update[])[0]?.message?.text).toBe('late');
  });

  it('gives a topic message that is not a reply the service message as reply_to_message; ctx.reply stays in the topic', async () => {
    const group = fake.addGroup({ title: 'Shop' });
    expect(group).toMatchObject({ type: 'supergroup', is_forum: true });
    expect(String(group.id)).toMatch(/^-100\d{10}$/);
    const topic = fake.createTopic(group.id, 'Order 42', { silent: true });

    const bot = newBot();
    const received: Message[] = [];
    bot.on('message', async (ctx) => {
      received.push(ctx.message);
      await ctx.reply(`ack ${ctx.message.text}`);
    });
    const polling = startPolling(bot);

    const plain = fake.userSends({ chatId: group.id, from: seller, threadId: topic.message_thread_id, text: 'plain' });
    const ack1 = await fake.waitForBotMessage((m) => m.text === 'ack plain');
    expect(plain.message_thread_id).toBe(topic.message_thread_id);
    expect(plain.is_topic_message).toBe(true);
    expect(plain.reply_to_message?.message_id).toBe(topic.message_thread_id);
    expect(plain.reply_to_message?.forum_topic_created).toMatchObject({ name: 'Order 42' });
    expect(plain.reply_to_message?.reply_to_message).toBeUndefined();
    expect(received[0]?.reply_to_message?.forum_topic_created?.name).toBe('Order 42');

    // The bot's reply landed in the topic and is itself a topic message from the bot.
    expect(ack1.message_thread_id).toBe(topic.message_thread_id);
    expect(ack1.is_topic_message).toBe(true);
    expect(ack1.from).toMatchObject({ id: fake.bot.id, is_bot: true });
    expect(ack1.chat).toMatchObject({ id: group.id, type: 'supergroup', is_forum: true });
    expect(ack1.message_id).toBeGreaterThan(plain.message_id);

    // An explicit reply in the topic carries the replied message (thread inferred from it).
    const explicit = fake.userSends({ chatId: group.id, from: seller, replyTo: ack1.message_id, text: 'explicit' });
    expect(explicit.message_thread_id).toBe(topic.message_thread_id);
    expect(explicit.reply_to_message?.message_id).toBe(ack1.message_id);
    expect(explicit.reply_to_message?.from?.id).toBe(fake.bot.id);

    // The General topic has no message_thread_id.
    const general = fake.userSends({ chatId: group.id, from: seller, text: 'general' });
    expect(general.message_thread_id).toBeUndefined();
    expect(general.is_topic_message).toBeUndefined();
    expect(general.reply_to_message).toBeUndefined();
    const ack3 = await fake.waitForBotMessage((m) => m.text === 'ack general');
    expect(ack3.message_thread_id).toBeUndefined();

    await polling.stop();
    expect(polling.errors).toEqual([]);
    expect(fake.botMessages(group.id, topic.message_thread_id).map((m) => m.text)).toEqual(['ack plain', 'ack explicit']);
  });

  it('threads replies and message_thread_id on sends', async () => {
    const bot = newBot();
    const group = fake.addGroup();
    const topic = fake.createTopic(group.id, 'Buyer Ivan', { silent: true });
    const q = fake.userSends({ chatId: group.id, from: seller, threadId: topic.message_thread_id, text: 'question' });

    const inTopic = await bot.api.sendMessage(group.id, 'to topic', { message_thread_id: topic.message_thread_id });
    expect(inTopic.message_thread_id).toBe(topic.message_thread_id);
    expect(inTopic.reply_to_message?.message_id).toBe(topic.message_thread_id);

    const reply = await bot.api.sendMessage(group.id, 'answer', { reply_parameters: { message_id: q.message_id } });
    expect(reply.message_thread_id).toBe(topic.message_thread_id); // inferred from the replied message
    expect(reply.reply_to_message?.text).toBe('question');
    expect(reply.reply_to_message?.from?.id).toBe(seller.id);

    const missing = await apiError(bot.api.sendMessage(group.id, 'x', { reply_parameters: { message_id: 99999 } }));
    expect(missing.error_code).toBe(400);
    expect(missing.description).toBe('Bad Request: message to be replied not found');
    const allowed = await bot.api.sendMessage(group.id, 'x', { reply_parameters: { message_id: 99999, allow_sending_without_reply: true } });
    expect(allowed.reply_to_message).toBeUndefined();

    const dm = fake.addPrivateChat({ id: 222, first_name: 'Bob' });
    const u = fake.userSends({ chatId: dm.id, from: { id: 222 }, text: 'hi' });
    const legacy = await raw('sendMessage', { chat_id: dm.id, text: 'legacy', reply_to_message_id: u.message_id });
    expect((legacy.body.result as Message).reply_to_message?.message_id).toBe(u.message_id);
    expect((legacy.body.result as Message).chat).toMatchObject({ id: 222, type: 'private', first_name: 'Bob' });
    expect(u.message_id + 1).toBe((legacy.body.result as Message).message_id);

    const long = await apiError(bot.api.sendMessage(dm.id, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    const empty = await apiError(bot.api.sendMessage(dm.id, '   '));
    expect(empty.description).toBe('Bad Request: message text is empty');
    const badHtml = await apiError(bot.api.sendMessage(dm.id, 'I <3 it', { parse_mode: 'HTML' }));
    expect(badHtml.description).toMatch(/^Bad Request: can't parse entities: Unsupported start tag "3"/);
    const html = await bot.api.sendMessage(dm.id, '<b>Order</b> &lt;42&gt;', { parse_mode: 'HTML' });
    expect(html.text).toBe('Order <42>');
    expect(html.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
    const noChat = await apiError(bot.api.sendMessage(-1009999999999, 'x'));
    expect(noChat.description).toBe('Bad Request: chat not found');
  });

  it('edits: text, keyboard and "message is not modified"', async () => {
    const bot = newBot();
    const dm = fake.addPrivateChat({ id: 333 });
    const keyboard = { inline_keyboard: [[{ text: 'Reply', callback_data: 'reply:1' }]] };
    const m = await bot.api.sendMessage(dm.id, 'v1', { reply_markup: keyboard });
    expect(m.reply_markup).toEqual(keyboard);
    const same = await apiError(bot.api.editMessageText(dm.id, m.message_id, 'v1', { reply_markup: keyboard }));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    const edited = await bot.api.editMessageText(dm.id, m.message_id, 'v2');
    expect(edited).toMatchObject({ text: 'v2' });
    expect((edited as Message).reply_markup).toBeUndefined(); // no reply_markup in the edit removes the keyboard
    expect(typeof (edited as Message).edit_date).toBe('number');
    const tooLong = await apiError(bot.api.sendMessage(dm.id, 'x', { reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] } }));
    expect(tooLong.description).toBe('Bad Request: BUTTON_DATA_INVALID');

    // a user edit arrives as edited_message with edit_date
    const u = fake.userSends({ chatId: dm.id, from: { id: 333 }, text: 'typo' });
    fake.userEdits({ chatId: dm.id, messageId: u.message_id, text: 'fixed' });
    const ups = (await raw('getUpdates', { timeout: 0 })).body.result as Update[];
    expect(ups.map((x) => Object.keys(x)[1])).toEqual(['message', 'edited_message']);
    expect(ups[1]?.edited_message).toMatchObject({ message_id: u.message_id, text: 'fixed' });
    expect(typeof ups[1]?.edited_message?.edit_date).toBe('number');
  });

  it('media groups, copies, forwards, deletes and MarkdownV2 escaping', async () => {
    const bot = newBot();
    const group = fake.addGroup();
    const topic = fake.createTopic(group.id, 'Album', { silent: true });
    const album: Message[] = await bot.api.sendMediaGroup(group.id, [
      { type: 'document', media: new InputFile(Buffer.from('a'), 'a.txt'), caption: '*one*', parse_mode: 'MarkdownV2' },
      { type: 'document', media: new InputFile(Buffer.from('bb'), 'b.txt') },
    ], { message_thread_id: topic.message_thread_id });
    expect(album).toHaveLength(2);
    expect(album[0]?.media_group_id).toBeDefined();
    expect(album[0]?.media_group_id).toBe(album[1]?.media_group_id);
    expect(album.map((m) => m.document?.file_size)).toEqual([1, 2]);
    expect(album[0]?.caption).toBe('one');
    expect(album[0]?.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
    expect(album.every((m) => m.message_thread_id === topic.message_thread_id)).toBe(true);
    const mixed = await apiError(bot.api.sendMediaGroup(group.id, [
      { type: 'document', media: new InputFile(TINY_PNG, 'a.png') },
      { type: 'photo', media: new InputFile(TINY_PNG, 'b.png') },
    ] as never));
    expect(mixed.description).toBe("Bad Request: document can't be mixed with other media types");

    const dm = fake.addPrivateChat({ id: 888 });
    const u = fake.userSends({ chatId: dm.id, from: { id: 888 }, text: 'copy me' });
    const copy = await bot.api.copyMessage(group.id, dm.id, u.message_id, { message_thread_id: topic.message_thread_id });
    expect(fake.message(group.id, copy.message_id)).toMatchObject({ text: 'copy me', from: { id: fake.bot.id }, message_thread_id: topic.message_thread_id });
    const fwd = await bot.api.forwardMessage(group.id, dm.id, u.message_id);
    expect(fwd.forward_origin).toMatchObject({ type: 'user', sender_user: { id: 888 } });

    await bot.api.deleteMessage(group.id, fwd.message_id);
    expect(fake.message(group.id, fwd.message_id)).toBeUndefined();
    const twice = await apiError(bot.api.deleteMessage(group.id, fwd.message_id));
    expect(twice.description).toBe('Bad Request: message to delete not found');

    const unescaped = await apiError(bot.api.sendMessage(dm.id, 'Order 42. Thanks!', { parse_mode: 'MarkdownV2' }));
    expect(unescaped.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    const escaped = await bot.api.sendMessage(dm.id, 'Order 42\\. Thanks\\!', { parse_mode: 'MarkdownV2' });
    expect(escaped.text).toBe('Order 42. Thanks!');
  });

  it('callback queries: pressing a button and answering it once', async () => {
    const bot = newBot();
    const dm = fake.addPrivateChat({ id: 334 });
    const m = await bot.api.sendMessage(dm.id, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] } });
    expect(() => fake.userPressesButton({ chatId: dm.id, messageId: m.message_id, from: { id: 334 }, data: 'nope' })).toThrow(/no button/);
    const qid = fake.userPressesButton({ chatId: dm.id, messageId: m.message_id, from: { id: 334 }, data: 'yes' });
    const ups = (await raw('getUpdates', { timeout: 0 })).body.result as Update[];
    expect(ups[0]?.callback_query).toMatchObject({ id: qid, data: 'yes', message: { message_id: m.message_id } });
    await bot.api.answerCallbackQuery(qid, { text: 'ok' });
    const twice = await apiError(bot.api.answerCallbackQuery(qid));
    expect(twice.description).toBe('Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  it('reactions: allowed emoji, ✅ invalid, disabled chat, unknown message', async () => {
    const bot = newBot();
    const group = fake.addGroup();
    const topic = fake.createTopic(group.id, 'T', { silent: true });
    const u = fake.userSends({ chatId: group.id, from: seller, threadId: topic.message_thread_id, text: 'msg' });

    await bot.api.setMessageReaction(group.id, u.message_id, [{ type: 'emoji', emoji: '👍' }]);
    expect(fake.reactions(group.id, u.message_id)).toEqual(['👍']);
    await bot.api.setMessageReaction(group.id, u.message_id, [{ type: 'emoji', emoji: '👀' }]);
    expect(fake.reactions(group.id, u.message_id)).toEqual(['👀']);

    const check = await apiError(bot.api.setMessageReaction(group.id, u.message_id, [{ type: 'emoji', emoji: '✅' as '👍' }]));
    expect(check.error_code).toBe(400);
    expect(check.description).toBe('Bad Request: REACTION_INVALID');
    expect(fake.reactions(group.id, u.message_id)).toEqual(['👀']);

    const missing = await apiError(bot.api.setMessageReaction(group.id, 424242, [{ type: 'emoji', emoji: '👍' }]));
    expect(missing.description).toBe('Bad Request: message to react not found');

    fake.setReactionsAllowed(group.id, false);
    const off = await apiError(bot.api.setMessageReaction(group.id, u.message_id, [{ type: 'emoji', emoji: '🔥' }]));
    expect(off.description).toBe('Bad Request: REACTION_INVALID');

    await bot.api.setMessageReaction(group.id, u.message_id, []);
    expect(fake.reactions(group.id, u.message_id)).toEqual([]);
  });

  it('createForumTopic needs a forum and topic rights', async () => {
    const bot = newBot();
    const noRights = fake.addGroup({ botCanManageTopics: false });
    const e1 = await apiError(bot.api.createForumTopic(noRights.id, 'Order 1'));
    expect(e1.description).toBe('Bad Request: not enough rights to create a topic');
    const notAdmin = fake.addGroup({ botIsAdmin: false });
    const e2 = await apiError(bot.api.createForumTopic(notAdmin.id, 'Order 1'));
    expect(e2.description).toBe('Bad Request: not enough rights to create a topic');
    const plain = fake.addGroup({ forum: false });
    const e3 = await apiError(bot.api.createForumTopic(plain.id, 'Order 1'));
    expect(e3.description).toBe('Bad Request: the chat is not a forum');

    const me = await bot.api.getChatMember(noRights.id, fake.bot.id);
    expect(me).toMatchObject({ status: 'administrator', can_manage_topics: false });
    expect(await bot.api.getChatMember(notAdmin.id, fake.bot.id)).toMatchObject({ status: 'member' });

    const good = fake.addGroup();
    const t = await bot.api.createForumTopic(good.id, 'Order 2');
    expect(t).toMatchObject({ name: 'Order 2' });
    expect(typeof t.icon_color).toBe('number');
    expect(fake.topics(good.id)).toMatchObject([{ message_thread_id: t.message_thread_id, name: 'Order 2', closed: false, deleted: false }]);
    expect(fake.message(good.id, t.message_thread_id)?.forum_topic_created?.name).toBe('Order 2');
    const tooLong = await apiError(bot.api.createForumTopic(good.id, 'x'.repeat(129)));
    expect(tooLong.error_code).toBe(400);
  });

  it('sends to a deleted topic fail with "message thread not found", to a closed one with TOPIC_CLOSED', async () => {
    const bot = newBot();
    const group = fake.addGroup();
    const t = await bot.api.createForumTopic(group.id, 'Order 3');
    await bot.api.sendMessage(group.id, 'first', { message_thread_id: t.message_thread_id });

    await bot.api.closeForumTopic(group.id, t.message_thread_id);
    const closed = await apiError(bot.api.sendMessage(group.id, 'x', { message_thread_id: t.message_thread_id }));
    expect(closed.description).toBe('Bad Request: TOPIC_CLOSED');
    const again = await apiError(bot.api.closeForumTopic(group.id, t.message_thread_id));
    expect(again.description).toBe('Bad Request: TOPIC_NOT_MODIFIED');
    await bot.api.reopenForumTopic(group.id, t.message_thread_id);

    fake.deleteTopic(group.id, t.message_thread_id);
    const gone = await apiError(bot.api.sendMessage(group.id, 'x', { message_thread_id: t.message_thread_id }));
    expect(gone.error_code).toBe(400);
    expect(gone.description).toBe('Bad Request: message thread not found');
    expect(fake.topics(group.id)[0]).toMatchObject({ deleted: true });
    expect(fake.messages(group.id, t.message_thread_id)).toEqual([]);
  });

  it('429 fault carries retry_after, then the method works again', async () => {
    const bot = newBot();
    const dm = fake.addPrivateChat({ id: 444 });
    fake.failNext('sendMessage', { kind: 'status', code: 429, retryAfter: 7 });
    const e = await apiError(bot.api.sendMessage(dm.id, 'one'));
    expect(e.error_code).toBe(429);
    expect(e.description).toBe('Too Many Requests: retry after 7');
    expect(e.parameters.retry_after).toBe(7);
    const ok = await bot.api.sendMessage(dm.id, 'two');
    expect(ok.text).toBe('two');
    expect(fake.botMessages(dm.id).map((m) => m.text)).toEqual(['two']);
    const failed = await fake.waitForCall('sendMessage', (c) => !c.ok);
    expect(failed).toMatchObject({ ok: false, errorCode: 429, params: { chat_id: dm.id, text: 'one' } });

    fake.failNext('*', { kind: 'status', code: 500 }, 2);
    expect((await apiError(bot.api.getMe())).error_code).toBe(500);
    expect((await apiError(bot.api.getChat(dm.id))).error_code).toBe(500);
    await bot.api.getMe();
  });

  it('dropPoll destroys the socket, hang delays the answer', async () => {
    fake.failNext('getUpdates', { kind: 'dropPoll' });
    await expect(raw('getUpdates', { timeout: 0 })).rejects.toThrow();
    fake.failNext('getMe', { kind: 'hang', ms: 200 });
    const t0 = Date.now();
    const r = await raw('getMe');
    expect(r.body.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('records a multipart sendDocument upload with its size and serves it back', async () => {
    const bot = newBot();
    const group = fake.addGroup();
    const topic = fake.createTopic(group.id, 'Docs', { silent: true });
    const bytes = Buffer.from('%PDF-1.4 fake pdf bytes \x00\x01\x02 end');
    const m = await bot.api.sendDocument(group.id, new InputFile(bytes, 'invoice 42.pdf'), {
      caption: 'Invoice',
      message_thread_id: topic.message_thread_id,
    });
    expect(m.document).toMatchObject({ file_name: 'invoice 42.pdf', mime_type: 'application/pdf', file_size: bytes.length });
    expect(m.caption).toBe('Invoice');
    expect(m.message_thread_id).toBe(topic.message_thread_id);
    const call = await fake.waitForCall('sendDocument');
    expect(call.params.document).toEqual({ fileName: 'invoice 42.pdf', size: bytes.length, contentType: 'application/octet-stream' });
    expect(call.params.caption).toBe('Invoice');
    expect(call.params.message_thread_id).toBe(topic.message_thread_id);
    expect(call.params.chat_id).toBe(group.id);

    const file = await bot.api.getFile(m.document!.file_id);
    const dl = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
    expect(Buffer.from(await dl.arrayBuffer())).toEqual(bytes);

    // Sending by file_id reuses the file; a photo upload must be an image.
    const again = await bot.api.sendDocument(group.id, m.document!.file_id);
    expect(again.document?.file_unique_id).toBe(m.document?.file_unique_id);
    const notImage = await apiError(bot.api.sendPhoto(group.id, new InputFile(Buffer.from('not an image'))));
    expect(notImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    const photo = await bot.api.sendPhoto(group.id, new InputFile(TINY_PNG, 'p.png'));
    expect(photo.photo?.at(-1)).toMatchObject({ width: 1, height: 1, file_size: TINY_PNG.length });
  });

  it('getFile + download returns the bytes a user sent', async () => {
    const dm = fake.addPrivateChat({ id: 555, first_name: 'Buyer' });
    const photoBytes = Buffer.concat([TINY_PNG, Buffer.from('tail')]);
    const docBytes = Buffer.from('col1,col2\n1,2\n');
    fake.userSends({ chatId: dm.id, from: { id: 555 }, photo: { bytes: photoBytes, caption: 'look' } });
    fake.userSends({ chatId: dm.id, from: { id: 555 }, document: { bytes: docBytes, fileName: 'list.csv' } });
    fake.userSends({ chatId: dm.id, from: { id: 555 }, voice: true });

    const bot = newBot();
    const downloads: Buffer[] = [];
    const kinds: string[] = [];
    bot.on('message', async (ctx) => {
      const m = ctx.message;
      if (m.photo) {
        kinds.push(`photo:${m.caption}`);
        expect(m.photo.length).toBeGreaterThanOrEqual(1);
      }
      if (m.document) kinds.push(`document:${m.document.file_name}:${m.document.mime_type}`);
      if (m.voice) kinds.push(`voice:${m.voice.mime_type}`);
      const file = await ctx.getFile();
      const res = await fetch(`${fake.apiRoot}/file/bot${fake.token}/${file.file_path}`);
      downloads.push(Buffer.from(await res.arrayBuffer()));
    });
    const polling = startPolling(bot);
    await fake.waitForConfirmed();
    await polling.stop();
    expect(polling.errors).toEqual([]);
    expect(kinds).toEqual(['photo:look', 'document:list.csv:text/csv', 'voice:audio/ogg']);
    expect(downloads[0]).toEqual(photoBytes);
    expect(downloads[1]).toEqual(docBytes);
    expect(downloads[2]?.length).toBeGreaterThan(0);
    const bad = await raw('getFile', { file_id: 'nope' });
    expect(bad.body.description).toBe('Bad Request: invalid file_id');
  });

  it('works with @grammyjs/runner (concurrent handling, offsets confirmed)', async () => {
    const group = fake.addGroup();
    const topics = [fake.createTopic(group.id, 'A', { silent: true }), fake.createTopic(group.id, 'B', { silent: true })];
    const bot = newBot();
    const got = new Set<string>();
    bot.on('message:text', async (ctx) => {
      got.add(ctx.message.text);
      await ctx.reply(`re: ${ctx.message.text}`);
    });
    for (let i = 0; i < 6; i++) {
      fake.userSends({ chatId: group.id, from: seller, threadId: topics[i % 2]!.message_thread_id, text: `m${i}` });
    }
    const handle = run(bot);
    await vi.waitFor(() => expect(fake.botMessages(group.id)).toHaveLength(6), { timeout: 5000 });
    await handle.stop();
    expect([...got].sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    for (const m of fake.botMessages(group.id)) {
      const n = Number(m.text?.slice('re: m'.length));
      expect(m.message_thread_id).toBe(topics[n % 2]!.message_thread_id);
    }
  });

  it('privacy mode: a non-admin bot in a group only sees commands, mentions and replies to it', async () => {
    const group = fake.addGroup({ botIsAdmin: false, forum: false });
    fake.userSends({ chatId: group.id, from: seller, text: 'chatter' });
    fake.userSends({ chatId: group.id, from: seller, text: '/start@market_bridge_bot' });
    fake.userSends({ chatId: group.id, from: seller, text: 'hey @market_bridge_bot' });
    const ups = (await raw('getUpdates', { timeout: 0 })).body.result as Update[];
    expect(ups.map((u) => u.message?.text)).toEqual(['/start@market_bridge_bot', 'hey @market_bridge_bot']);
    expect(ups[0]?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 24 }]);
  });

  it('a second getUpdates terminates the held one with 409 Conflict', async () => {
    const first = raw('getUpdates', { timeout: 10 });
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.method === 'getUpdates')).toHaveLength(1));
    const second = await raw('getUpdates', { timeout: 0 });
    expect(second.body.ok).toBe(true);
    const r = await first;
    expect(r.status).toBe(409);
    expect(r.body.description).toMatch(/^Conflict: terminated by other getUpdates request/);
  }, 10_000);

  it('waitForCall times out with a list of recent calls', async () => {
    await raw('getMe');
    await expect(fake.waitForCall('sendMessage', undefined, 100)).rejects.toThrow(/timed out after 100 ms waiting for a sendMessage call[\s\S]*getMe/);
  });

  it('webhook mode: delivers with the secret header, retries on failure, blocks getUpdates', async () => {
    const seen: { secret: string | undefined; update: Update }[] = [];
    let failFirst = true;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(500).end();
          return;
        }
        seen.push({ secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined, update: JSON.parse(body) as Update });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: 'sendMessage', chat_id: 666, text: 'via webhook reply' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const bot = newBot();
      const bad = await apiError(bot.api.setWebhook('http://example.com/hook'));
      expect(bad.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
      await bot.api.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: 's3cret' });
      fake.addPrivateChat({ id: 666 });
      const u = fake.userSends({ chatId: 666, from: { id: 666 }, text: 'hook me' });
      await fake.waitForConfirmed();
      expect(seen).toHaveLength(1);
      expect(seen[0]?.secret).toBe('s3cret');
      expect(seen[0]?.update.message?.message_id).toBe(u.message_id);
      expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([500, 200]);
      expect((await bot.api.getWebhookInfo()).last_error_message).toMatch(/500/);
      await fake.waitForBotMessage((m) => m.text === 'via webhook reply');
      const conflict = await raw('getUpdates');
      expect(conflict.status).toBe(409);
      await bot.api.deleteWebhook();
      expect((await raw('getUpdates')).body.ok).toBe(true);
    } finally {
      server.close();
    }
  });

  it('optional flood limits answer 429 with retry_after', async () => {
    const bot = newBot();
    const group = fake.addGroup({ forum: false });
    fake.setRateLimits({ groupPerMinute: 2 });
    await bot.api.sendMessage(group.id, '1');
    await bot.api.sendMessage(group.id, '2');
    const e = await apiError(bot.api.sendMessage(group.id, '3'));
    expect(e.error_code).toBe(429);
    expect(e.parameters.retry_after).toBeGreaterThan(50);
    fake.setRateLimits(null);
    await bot.api.sendMessage(group.id, '3');
  });

  it('send by URL: only loopback URLs; sendDocument by URL only for PDF/ZIP/GIF', async () => {
    const pdf = Buffer.from('%PDF-1.7 url pdf');
    const server = http.createServer((req, res) => {
      if (req.url === '/a.pdf') res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
      else if (req.url === '/a.png') res.writeHead(200, { 'content-type': 'image/png' }).end(TINY_PNG);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const bot = newBot();
      const dm = fake.addPrivateChat({ id: 777 });
      const doc = await bot.api.sendDocument(dm.id, `${base}/a.pdf`);
      expect(doc.document).toMatchObject({ file_name: 'a.pdf', mime_type: 'application/pdf', file_size: pdf.length });
      const png = await apiError(bot.api.sendDocument(dm.id, `${base}/a.png`));
      expect(png.description).toBe('Bad Request: wrong type of the web page content');
      const photo = await bot.api.sendPhoto(dm.id, `${base}/a.png`);
      expect(photo.photo?.at(-1)?.file_size).toBe(TINY_PNG.length);
      const missing = await apiError(bot.api.sendPhoto(dm.id, `${base}/nope.png`));
      expect(missing.description).toBe('Bad Request: failed to get HTTP URL content');
      const outside = await apiError(bot.api.sendDocument(dm.id, 'https://example.com/a.pdf'));
      expect(outside.description).toBe('Bad Request: failed to get HTTP URL content');
      const badId = await apiError(bot.api.sendDocument(dm.id, 'BQACAgIAAxkBAAInvalid'));
      expect(badId.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
    } finally {
      server.close();
    }
  });

  it('stop() releases a held long poll', async () => {
    const poll = raw('getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1));
    const t0 = Date.now();
    await fake.stop();
    const r = await poll;
    expect(r.body).toEqual({ ok: true, result: [] });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('a basic group upgraded to a supergroup (Bot API: migrate_to_chat_id / migrate_from_chat_id)', () => {
  it('makes a new chat with its own numbering; the old id refuses sends with 400 and parameters.migrate_to_chat_id', async () => {
    const group = fake.addGroup({ type: 'group', title: 'Team' });
    fake.userSends({ chatId: group.id, from: { id: 5 }, text: 'before' });
    const sg = fake.upgradeToSupergroup(group.id, { forum: true });
    expect(sg.id).not.toBe(group.id);
    expect(sg).toMatchObject({ type: 'supergroup', is_forum: true, title: 'Team' });

    const updates = fake.allUpdates().map((u) => u.message).filter((m) => m?.migrate_to_chat_id || m?.migrate_from_chat_id);
    expect(updates.map((m) => [m!.chat.id, m!.migrate_to_chat_id, m!.migrate_from_chat_id])).toEqual([
      [group.id, sg.id, undefined],
      [sg.id, undefined, group.id],
    ]);
    expect(updates[1]!.message_id).toBe(1); // the supergroup numbers its messages afresh

    const r = await raw('sendMessage', { chat_id: group.id, text: 'hello' });
    expect(r.status).toBe(400);
    expect(r.body.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect((r.body.parameters as Record<string, unknown>).migrate_to_chat_id).toBe(sg.id);
    const ok = await raw('sendMessage', { chat_id: sg.id, text: 'hello' });
    expect(ok.body.ok).toBe(true);
    expect(() => fake.userSends({ chatId: group.id, from: { id: 5 }, text: 'after' })).toThrow(/upgraded/);
  });

  it('an anonymous admin’s message comes from @GroupAnonymousBot with sender_chat = the group', () => {
    const group = fake.addGroup({ title: 'Team' });
    const m = fake.userSends({ chatId: group.id, from: { id: 5 }, asGroup: true, text: 'hi' });
    expect(m.from).toMatchObject({ id: 1087968824, is_bot: true, username: 'GroupAnonymousBot' });
    expect(m.sender_chat?.id).toBe(group.id);
  });
});

describe('the bot added to a group, leaving it, forwards (Bot API: my_chat_member, new_chat_members, leaveChat)', () => {
  it('addedBy: a my_chat_member update from the person who added it, and the new_chat_members service message', () => {
    const adder = { id: 4242, first_name: 'Ada' };
    const chat = fake.addGroup({ title: 'Added', botIsAdmin: false, addedBy: adder });
    const updates = fake.allUpdates();
    const member = updates.find((u) => u.my_chat_member)!.my_chat_member!;
    expect(member.chat.id).toBe(chat.id);
    expect(member.from.id).toBe(adder.id);
    expect(member.old_chat_member.status).toBe('left');
    expect(member.new_chat_member.status).toBe('member');
    const joined = updates.find((u) => u.message?.new_chat_members)!.message!;
    expect(joined.from?.id).toBe(adder.id);
    expect(joined.new_chat_members!.map((u) => u.id)).toEqual([fake.bot.id]);
  });

  it('leaveChat: the bot is out (sends 403), hears its own my_chat_member, and a second leaveChat is refused', async () => {
    const chat = fake.addGroup({ title: 'To leave' });
    expect((await raw('leaveChat', { chat_id: chat.id })).body.ok).toBe(true);
    const left = fake.allUpdates().find((u) => u.my_chat_member)!.my_chat_member!;
    expect(left.from.id).toBe(fake.bot.id);
    expect(left.new_chat_member.status).toBe('left');
    expect((await raw('sendMessage', { chat_id: chat.id, text: 'hi' })).status).toBe(403);
    expect((await raw('leaveChat', { chat_id: chat.id })).status).toBe(403);
  });

  it('forwardedFrom: forward_origin of type user, or hidden_user with only the name', () => {
    const chat = fake.addPrivateChat({ id: 5151, first_name: 'Owner' });
    const shown = fake.userSends({ chatId: chat.id, from: { id: 5151 }, text: 'fwd', forwardedFrom: { id: 6161, first_name: 'Vera' } });
    expect(shown.forward_origin).toMatchObject({ type: 'user', sender_user: { id: 6161, first_name: 'Vera' } });
    const hidden = fake.userSends({ chatId: chat.id, from: { id: 5151 }, text: 'fwd', forwardedFrom: { hiddenName: 'Gleb' } });
    expect(hidden.forward_origin).toMatchObject({ type: 'hidden_user', sender_user_name: 'Gleb' });
  });
});
