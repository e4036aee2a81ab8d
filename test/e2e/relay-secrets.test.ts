/**
 * "A secret in a log line, a reply or an error message" must never happen: the bot token and the Api-Key are looked
 * for, raw and URL-encoded, in the captured logs, in everything the bot sent to Telegram, in the errors Market
 * produced, and in the bytes of the SQLite files, after a run that goes through links, relays and failures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, cmd0, ADMIN } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

describe('secrets', () => {
  it('the bot token and the Api-Key appear in no log line, no bot message, no Telegram call and no byte of the database', async () => {
    h = await Harness.create();
    const token = h.config.telegram.token;
    const key = h.config.market.apiKey;
    const { market, chatId, threadId } = await h.linkedTopic();

    // A delivery, a refusal, and failures whose answers echo the key back (a proxy or a careless error message).
    const ok = h.says(chatId, threadId, 'Hello');
    await h.reacted(chatId, ok.message_id);
    h.market.failNext('sendMessageToChat', {
      kind: 'status',
      status: 401,
      code: 'UNAUTHORIZED',
      message: `Api-Key token ${key} is invalid`,
    });
    const refused = h.says(chatId, threadId, 'Second');
    const reply = await h.replyTo(chatId, refused.message_id);
    expect(reply.text).toContain('HTTP 401 · UNAUTHORIZED');
    h.market.failNext('sendMessageToChat', { kind: 'raw', status: 502, body: `<html>bad gateway for key ${encodeURIComponent(key)}</html>` }, 10);
    const broken = h.says(chatId, threadId, 'Third');
    await h.replyTo(chatId, broken.message_id);
    h.market.failNext('getChat', { kind: 'status', status: 403, code: 'FORBIDDEN', message: `token ${key} lacks scope` });
    const cmd = h.tg.userSends({ chatId, threadId, from: ADMIN, text: `/link ${market.chatId}`, entities: [cmd0('/link')] });
    await h.answerAfter(chatId, cmd.message_id, threadId);
    const status = h.tg.userSends({ chatId, threadId, from: ADMIN, text: '/status', entities: [cmd0('/status')] });
    await h.answerAfter(chatId, status.message_id, threadId);
    await h.settled();

    const logs = h.logs.join('');
    const telegram = JSON.stringify(h.tg.calls.map((c) => ({ method: c.method, params: c.params })));
    const texts = h.botTexts().join('\n');
    await h.stop(); // the database is closed: WAL checkpointed into the main file
    const files = readdirSync(h.dir).filter((f) => f.startsWith('bridge.sqlite'));
    expect(files).toContain('bridge.sqlite');
    const db = files.map((f) => readFileSync(join(h!.dir, f)).toString('latin1')).join('');
    expect(db).toContain('Hello'); // the dump is readable: the search below means something

    for (const secret of [...forms(token), ...forms(key)]) {
      expect(logs.includes(secret), `log contains ${secret}`).toBe(false);
      expect(texts.includes(secret), `bot message contains ${secret}`).toBe(false);
      expect(telegram.includes(secret), `Telegram call contains ${secret}`).toBe(false);
      expect(db.includes(secret), `database contains ${secret}`).toBe(false);
    }
  });

  it('a seller who pastes the Api-Key or the bot token into a linked topic is refused: nothing sent, nothing stored', async () => {
    h = await Harness.create();
    const { market, chatId, threadId } = await h.linkedTopic();
    const pasted = [`here is our key: ${h.config.market.apiKey}`, `token ${h.config.telegram.token} ok?`];
    for (const text of pasted) {
      const m = h.says(chatId, threadId, text);
      const reply = await h.replyTo(chatId, m.message_id);
      expect(reply.text).toContain('contains the bot’s token or the Market Api-Key');
    }
    await h.settled();
    expect(h.sends()).toHaveLength(0);
    expect(h.market.partnerTexts(market.chatId)).toEqual([]);
    await h.stop();
    const db = readdirSync(h.dir)
      .filter((f) => f.startsWith('bridge.sqlite'))
      .map((f) => readFileSync(join(h!.dir, f)).toString('latin1'))
      .join('');
    expect(db).toContain('withheld: contained a secret');
    for (const secret of [...forms(h.config.market.apiKey), ...forms(h.config.telegram.token)]) {
      expect(db.includes(secret), `database contains ${secret}`).toBe(false);
    }
  });

  it('the SQLite file is readable by its owner only', async () => {
    h = await Harness.create();
    const { chatId, threadId } = await h.linkedTopic();
    const m = h.says(chatId, threadId, 'private data');
    await h.reacted(chatId, m.message_id);
    const { statSync } = await import('node:fs');
    expect(statSync(h.dbPath).mode & 0o777).toBe(0o600);
  });
});
