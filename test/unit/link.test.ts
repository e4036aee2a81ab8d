/**
 * parseChatId: what `/link <chat id>` accepts as a Market chat id (a positive int64 that is safe in JS); moveThread:
 * the store side of a confirmed move.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { addAnchor, anchorChat, chatThread, linkThread, moveThread, threadChat } from '../../src/db/links.js';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { parseChatId } from '../../src/telegram/features/link.js';

/** A Market chat of the test's one shop. */
const c = (marketChatId: number) => ({ businessId: 1, marketChatId });

describe('parseChatId', () => {
  it('reads back every positive safe integer, with or without surrounding whitespace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('', ' ', '\t', '\n', '  '), (n, pad) => {
        expect(parseChatId(`${pad}${n}${pad}`)).toBe(n);
      }),
    );
  });

  it('refuses zero, negatives, fractions, exponents, signs, hex, and numbers beyond 2^53', () => {
    for (const s of ['0', '-5', '-0', '+5', '1.5', '1e3', '0x10', '1_000', '1 000', '١٢٣', '１２３', '', ' ', 'abc', '12abc', 'NaN', 'Infinity']) {
      expect(parseChatId(s), JSON.stringify(s)).toBeUndefined();
    }
    expect(parseChatId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseChatId('9007199254740992')).toBeUndefined();
    expect(parseChatId('99999999999999999999')).toBeUndefined();
  });

  it('for any string, the result is either undefined or a positive safe integer written by the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s?-?[0-9]{0,22}(\.[0-9])?\s?$/)), (s) => {
        const n = parseChatId(s);
        if (n === undefined) {
          // Nothing that is a positive safe integer in plain digits is refused.
          const t = s.trim();
          if (/^[0-9]+$/.test(t) && t.length <= 16 && Number(t) >= 1 && Number.isSafeInteger(Number(t))) {
            expect.fail(`refused the valid id ${JSON.stringify(s)}`);
          }
          return;
        }
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(BigInt(s.trim())).toBe(BigInt(n)); // exactly the number written, no rounding
      }),
      { numRuns: 500 },
    );
  });
});

describe('moveThread (a confirmed /link move, issue 7 item 11)', () => {
  const key = { tgChatId: -1001, tgThreadId: 10 };
  let dir: string | undefined;
  let o: OpenDb | undefined;
  afterEach(() => {
    o?.close();
    o = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  function fresh(): OpenDb {
    dir = mkdtempSync(join(tmpdir(), 'move-thread-'));
    o = openDb(join(dir, 'bridge.sqlite'));
    return o;
  }

  it('moves only while the topic still belongs to the chat the question named', () => {
    const { db } = fresh();
    linkThread(db, key, c(1), 111);
    expect(moveThread(db, key, c(2), c(3), 111)).toEqual({ moved: false }); // the question named another chat
    expect(threadChat(db, key)).toEqual(c(1));
    expect(moveThread(db, key, c(1), c(3), 112)).toEqual({ moved: true, leftThread: undefined });
    expect(threadChat(db, key)).toEqual(c(3));
    expect(moveThread(db, key, c(1), c(4), 111)).toEqual({ moved: false }); // pressed again, late
    expect(threadChat(db, key)).toEqual(c(3));
  });

  it('keeps one topic per chat: the new chat leaves its old topic, the old chat keeps its reply anchors', () => {
    const { db } = fresh();
    linkThread(db, key, c(1), null);
    linkThread(db, { tgChatId: key.tgChatId, tgThreadId: 20 }, c(2), null);
    addAnchor(db, { tgChatId: key.tgChatId, tgMessageId: 11, businessId: 1, marketChatId: 1, kind: 'buyer' });
    expect(moveThread(db, key, c(1), c(2), 111)).toEqual({ moved: true, leftThread: 20 });
    expect(threadChat(db, key)).toEqual(c(2));
    expect(threadChat(db, { tgChatId: key.tgChatId, tgThreadId: 20 })).toBeUndefined();
    expect(chatThread(db, key.tgChatId, c(1))).toBeUndefined();
    // A reply to chat 1's buyer message in the moved topic still reaches chat 1, not the topic's new chat.
    expect(anchorChat(db, key.tgChatId, 11)).toEqual(c(1));
  });
});
