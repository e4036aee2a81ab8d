/**
 * GroupChatId: TELEGRAM_CHAT_ID followed through an upgrade to a supergroup (issue 7, item 12). The move is kept in
 * the kv table, told once however many reports of it arrive, and survives reopening the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupChatId } from '../../src/bridge/group.js';
import { addAnchor, anchorChat, linkThread, threadChat } from '../../src/db/links.js';
import { openDb, type OpenDb } from '../../src/db/open.js';

const OLD = -4000000037;
const NEW = -1002000000041;

let dir: string | undefined;
let open: OpenDb[] = [];
afterEach(() => {
  for (const o of open) o.close();
  open = [];
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function db(): OpenDb {
  dir ??= mkdtempSync(join(tmpdir(), 'group-id-'));
  const o = openDb(join(dir, 'bridge.sqlite'));
  open.push(o);
  return o;
}

/** A Market chat of the test's one shop. */
const c = (marketChatId: number) => ({ businessId: 1, marketChatId });

describe('GroupChatId', () => {
  it('is TELEGRAM_CHAT_ID until an upgrade is recorded, then the new id; the move is reported as new only once', () => {
    const g = new GroupChatId(db().db, OLD);
    expect(g.current()).toBe(OLD);
    expect(g.pendingConfigChange()).toBeUndefined();
    expect(g.migrate(OLD, NEW)).toBe(true);
    expect(g.migrate(OLD, NEW)).toBe(false); // the second service message, a refused send: the same move
    expect(g.current()).toBe(NEW);
    expect(g.isGroup(OLD)).toBe(true);
    expect(g.isGroup(NEW)).toBe(true);
    expect(g.isGroup(-1009)).toBe(false);
    expect(g.pendingConfigChange()).toEqual({ from: OLD, to: NEW });
  });

  it('survives reopening the database; once TELEGRAM_CHAT_ID names the new id there is nothing left to change', () => {
    const first = db();
    new GroupChatId(first.db, OLD).migrate(OLD, NEW);
    first.close();
    open = [];
    const again = db();
    expect(new GroupChatId(again.db, OLD).current()).toBe(NEW);
    const updated = new GroupChatId(again.db, NEW);
    expect(updated.current()).toBe(NEW);
    expect(updated.pendingConfigChange()).toBeUndefined();
  });

  it('without TELEGRAM_CHAT_ID there is no group; nonsense moves are not recorded', () => {
    const o = db();
    const none = new GroupChatId(o.db, undefined);
    expect(none.current()).toBeUndefined();
    expect(none.isGroup(OLD)).toBe(false);
    const g = new GroupChatId(o.db, OLD);
    expect(g.migrate(OLD, OLD)).toBe(false);
    expect(g.migrate(OLD, Number.NaN)).toBe(false);
    expect(g.current()).toBe(OLD);
  });

  it('does not carry old message ids over: anchors and links of the old id stay there, nothing appears under the new id', () => {
    const o = db();
    addAnchor(o.db, { tgChatId: OLD, tgMessageId: 5, businessId: 1, marketChatId: 1001, kind: 'buyer' });
    linkThread(o.db, { tgChatId: OLD, tgThreadId: 7 }, c(1002), null);
    new GroupChatId(o.db, OLD).migrate(OLD, NEW);
    // Message 5 of the supergroup is some other message: a reply to it must not reach chat 1001's buyer.
    expect(anchorChat(o.db, NEW, 5)).toBeUndefined();
    expect(threadChat(o.db, { tgChatId: NEW, tgThreadId: 7 })).toBeUndefined();
    expect(anchorChat(o.db, OLD, 5)).toEqual(c(1001));
  });
});
