/**
 * The inbox dispatcher on its own (an in-memory SQLite inbox, a handler the test controls): one update at a time
 * per chat key, in arrival order; other keys go on while one is stuck; never more than `concurrency` at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Api } from 'grammy';
import type { Update } from 'grammy/types';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { createLogger } from '../../src/logger.js';
import { chatKey, Dispatcher } from '../../src/telegram/dispatch.js';

const log = createLogger({ level: 'silent', secrets: [], destination: { write: () => undefined } });
const flush = () => new Promise((r) => setImmediate(r));

let open: OpenDb | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop(0);
  open?.close();
  open = dispatcher = undefined;
});

let nextId = 1;
function update(chatId: number, text: string, threadId?: number): Update {
  const id = nextId++;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: threadId === undefined ? { id: chatId, type: 'private', first_name: 'A' } : { id: chatId, type: 'supergroup', title: 'G', is_forum: true },
      text,
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    },
  } as Update;
}

/** A handler whose calls wait until the test releases them. */
function gatedHandler() {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  let running = 0;
  let maxRunning = 0;
  const handle = async (u: Update) => {
    const text = u.message!.text!;
    started.push(text);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise<void>((r) => gates.set(text, r));
    running--;
  };
  return {
    handle,
    started,
    release: (text: string) => gates.get(text)?.(),
    get maxRunning() {
      return maxRunning;
    },
  };
}

function start(handle: (u: Update) => Promise<void>, concurrency: number): Dispatcher {
  open = openDb(':memory:');
  dispatcher = new Dispatcher({
    db: open.db,
    log,
    handle,
    api: {} as Api,
    isAdmin: () => false,
    secrets: [],
    policy: { concurrency, maxAttempts: 1 },
  });
  dispatcher.start();
  return dispatcher;
}

describe('Dispatcher', () => {
  it('keys a forum topic apart from its group and from other topics', () => {
    expect(chatKey(update(-100, 'a', 5))).toBe('-100:5');
    expect(chatKey(update(-100, 'b', 6))).toBe('-100:6');
    expect(chatKey(update(42, 'c'))).toBe('42');
  });

  it('handles one update at a time per key, in order, while other keys go on', async () => {
    const h = gatedHandler();
    const d = start(h.handle, 8);
    d.accept([update(1, 'a1'), update(1, 'a2'), update(2, 'b1'), update(1, 'a3'), update(2, 'b2')]);
    await flush();
    await flush();
    expect(h.started).toEqual(['a1', 'b1']);
    h.release('b1');
    await flush();
    await flush();
    // Chat 1 is still stuck on a1; chat 2 went on.
    expect(h.started).toEqual(['a1', 'b1', 'b2']);
    h.release('a1');
    await flush();
    await flush();
    expect(h.started).toEqual(['a1', 'b1', 'b2', 'a2']);
  });

  it('never runs more than `concurrency` keys at once', async () => {
    const h = gatedHandler();
    const d = start(h.handle, 3);
    d.accept(Array.from({ length: 10 }, (_, i) => update(100 + i, `c${i}`)));
    await flush();
    await flush();
    expect(h.started).toEqual(['c0', 'c1', 'c2']);
    h.release('c1');
    await flush();
    await flush();
    expect(h.started).toEqual(['c0', 'c1', 'c2', 'c3']);
    for (let i = 0; i < 10; i++) {
      h.release(`c${i}`);
      await flush();
      await flush();
    }
    for (let i = 0; i < 10; i++) h.release(`c${i}`);
    expect(h.started).toHaveLength(10);
    expect(h.maxRunning).toBe(3);
  });

  it('starts an update with nothing pending in its chat before accept returns, its attempt counted in the insert; one behind it waits its turn', async () => {
    const h = gatedHandler();
    const d = start(h.handle, 8);
    await flush(); // the start's pump has looked at the (empty) inbox
    d.accept([update(3, 'x1')]);
    // No turn of the event loop: the handler has already been called, with the update as received.
    expect(h.started).toEqual(['x1']);
    const attempts = () => open!.sqlite.prepare('SELECT attempts FROM inbox ORDER BY id').pluck().all();
    expect(attempts()).toEqual([1]);
    // The same chat again while x1 runs: it waits (stored with no attempt yet), and runs once x1 is done.
    d.accept([update(3, 'x2'), update(4, 'y1')]);
    expect(h.started).toEqual(['x1', 'y1']);
    expect(attempts()).toEqual([1, 0, 1]);
    h.release('x1');
    await flush();
    await flush();
    expect(h.started).toEqual(['x1', 'y1', 'x2']);
    expect(attempts()).toEqual([1, 1, 1]);
    // x2 done: chat 3 has nothing pending again, and the next one starts at once.
    h.release('x2');
    await flush();
    await flush();
    d.accept([update(3, 'x3')]);
    expect(h.started).toEqual(['x1', 'y1', 'x2', 'x3']);
  });

  it('leaves rows from before the start to the pump, in order, ahead of new updates of their chat', async () => {
    open = openDb(':memory:');
    const old = update(5, 'old');
    open.sqlite
      .prepare("INSERT INTO inbox (update_id, chat_key, \"update\", state, attempts, created_at, updated_at) VALUES (?, '5', ?, 'pending', 0, 0, 0)")
      .run(old.update_id, JSON.stringify(old));
    const h = gatedHandler();
    dispatcher = new Dispatcher({ db: open.db, log, handle: h.handle, api: {} as Api, isAdmin: () => false, secrets: [], policy: { concurrency: 8, maxAttempts: 1 } });
    dispatcher.start();
    dispatcher.accept([update(5, 'new')]);
    expect(h.started).toEqual([]);
    await flush();
    await flush();
    expect(h.started).toEqual(['old']);
    h.release('old');
    await flush();
    await flush();
    expect(h.started).toEqual(['old', 'new']);
  });

  it('stores an update delivered twice once', () => {
    const d = start(async () => undefined, 1);
    const u = update(7, 'x');
    d.accept([u]);
    d.accept([u]);
    expect(open!.sqlite.prepare('SELECT count(*) AS n FROM inbox').get()).toEqual({ n: 1 });
  });
});
