/**
 * NotifyGate: notifications for one chat coalesce, unknown chats are looked up at most 60 times a minute, the
 * queue of waiting chats has a hard bound, and drops are logged at a sane rate. In-memory fakes of its two
 * dependencies (the sync and "does the database know this chat"), with a controllable clock.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { NotifyGate, type NotifyGateOptions } from '../../src/bridge/notify-gate.js';

const T0 = Date.UTC(2026, 6, 20, 10, 0, 0);
const flush = () => new Promise((r) => setImmediate(r));

/** A sync whose calls wait until the test lets them finish. */
function fakeSync() {
  const calls: { chatId: number; reason: string; finish: () => void }[] = [];
  const sync = (chatId: number, reason: string) =>
    new Promise<void>((resolve) => {
      calls.push({ chatId, reason, finish: resolve });
    });
  /** Finishes every sync started so far, and lets the gate start the next ones. */
  const finishAll = async () => {
    for (const c of calls.splice(0)) c.finish();
    await flush();
  };
  return { sync, calls, finishAll };
}

function gate(opts: { known?: Iterable<number>; options?: Partial<NotifyGateOptions> } = {}) {
  const clock = { t: T0 };
  const known = new Set(opts.known ?? []);
  const s = fakeSync();
  const started: { chatId: number; reason: string }[] = [];
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [], destination: { write: (l: string) => void logs.push(l) } });
  const g = new NotifyGate({
    sync: (chatId, reason) => {
      started.push({ chatId, reason });
      return s.sync(chatId, reason);
    },
    isKnown: (id) => known.has(id),
    log,
    now: () => clock.t,
    options: opts.options,
  });
  return { g, clock, known, started, logs, ...s };
}

afterEach(() => vi.useRealTimers());

describe('per-chat coalescing', () => {
  it('a waiting chat takes further events into its one entry', async () => {
    const x = gate({ known: [1, 2], options: { concurrency: 1 } });
    expect(x.g.offer(1, 'message')).toBe('queued');
    expect(x.g.offer(2, 'message')).toBe('queued'); // waits behind chat 1
    for (let i = 0; i < 50; i++) expect(x.g.offer(2, 'message')).toBe('coalesced');
    expect(x.g.offer(2, 'arbitrage_started')).toBe('coalesced');
    expect(x.g.stats().pending).toBe(1);
    await x.finishAll();
    await x.finishAll();
    expect(x.started).toEqual([
      { chatId: 1, reason: 'notification:message' },
      { chatId: 2, reason: 'notification:message+arbitrage_started' },
    ]);
  });

  it('a chat being synced gets exactly one more sync afterwards, however many events came in', async () => {
    const x = gate({ known: [7] });
    x.g.offer(7, 'message');
    await flush();
    expect(x.started).toHaveLength(1);
    for (let i = 0; i < 100; i++) expect(x.g.offer(7, 'message')).toBe('coalesced');
    expect(x.g.stats()).toMatchObject({ pending: 0, running: 1 });
    await x.finishAll();
    expect(x.started).toHaveLength(2);
    await x.finishAll();
    await x.g.idle();
    expect(x.started).toHaveLength(2);
    expect(x.g.stats()).toMatchObject({ syncs: 2, coalesced: 100, running: 0, pending: 0 });
  });

  it('a sync that rejects is logged and the chat can be synced again', async () => {
    const logs: string[] = [];
    let n = 0;
    const g = new NotifyGate({
      sync: async () => {
        n++;
        throw new Error('boom');
      },
      isKnown: () => true,
      log: createLogger({ level: 'debug', secrets: [], destination: { write: (l: string) => void logs.push(l) } }),
    });
    g.offer(3, 'message');
    await g.idle();
    g.offer(3, 'message');
    await g.idle();
    expect(n).toBe(2);
    expect(logs.filter((l) => l.includes('notification sync failed'))).toHaveLength(2);
  });
});

describe('chats the database does not know', () => {
  it('are looked up at most 60 times in any minute, all together; known chats are not rationed', async () => {
    const x = gate({ known: [1], options: { concurrency: 1_000 } });
    const admitted = Array.from({ length: 500 }, (_, i) => x.g.offer(1000 + i, 'message'));
    expect(admitted.filter((a) => a === 'queued')).toHaveLength(60);
    expect(admitted.filter((a) => a === 'dropped_rate')).toHaveLength(440);
    expect(x.g.offer(1, 'message')).toBe('queued');
    await flush();
    expect(x.started).toHaveLength(61);

    x.clock.t = T0 + 59_999;
    expect(x.g.offer(5000, 'message')).toBe('dropped_rate');
    x.clock.t = T0 + 60_000; // the first minute's look-ups have left the window
    expect(x.g.offer(5001, 'chat_created')).toBe('queued');
    expect(x.g.stats()).toMatchObject({ unknownLookups: 61, dropped: { rate: 441, full: 0 } });
  });

  it('an unknown chat asks again for its extra sync (it may still be unknown); once recorded it is free', async () => {
    const x = gate({ options: { unknownPerMinute: 2 } });
    x.g.offer(50, 'message');
    x.g.offer(51, 'message');
    await flush();
    x.g.offer(50, 'message'); // while running: one more sync, but 50 is still unknown and the minute's 2 are used
    x.known.add(51); // the sync recorded chat 51
    x.g.offer(51, 'message');
    await x.finishAll();
    expect(x.started.map((s) => s.chatId)).toEqual([50, 51, 51]);
    expect(x.g.stats().dropped.rate).toBe(1);
  });
});

describe('the bound on waiting chats', () => {
  it('never holds more than maxPending; the rest are dropped and counted', async () => {
    const known = Array.from({ length: 100 }, (_, i) => i + 1);
    const x = gate({ known, options: { maxPending: 5, concurrency: 2 } });
    const admitted = known.map((id) => x.g.offer(id, 'message'));
    expect(admitted.filter((a) => a === 'queued')).toHaveLength(7); // 2 running + 5 waiting
    expect(x.g.stats()).toMatchObject({ pending: 5, running: 2, maxPendingSeen: 5, dropped: { full: 93, rate: 0 } });
    // Drained, there is room again.
    for (let i = 0; i < 4; i++) await x.finishAll();
    await x.g.idle();
    expect(x.started).toHaveLength(7);
    expect(x.g.offer(100, 'message')).toBe('queued');
    expect(x.g.stats().maxPendingSeen).toBe(5);
  });

  it('close() forgets what waits and starts nothing more', async () => {
    const x = gate({ known: [1, 2, 3], options: { concurrency: 1 } });
    x.g.offer(1, 'message');
    x.g.offer(2, 'message');
    x.g.close();
    expect(x.g.offer(3, 'message')).toBe('closed');
    await x.finishAll();
    await x.g.idle();
    expect(x.started.map((s) => s.chatId)).toEqual([1]);
  });
});

describe('logging drops', () => {
  it('logs the first drop at once, then at most once per interval with the counts', async () => {
    vi.useFakeTimers({ now: T0 });
    const x = gate({ options: { unknownPerMinute: 1, dropLogIntervalMs: 60_000 } });
    x.clock.t = Date.now();
    for (let i = 0; i < 1000; i++) x.g.offer(100 + i, 'message');
    const lines = () => x.logs.filter((l) => l.includes('notifications dropped')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 40, droppedUnknownChats: 1, droppedQueueFull: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    x.clock.t = Date.now();
    expect(lines()).toHaveLength(2);
    expect(lines()[1]).toMatchObject({ droppedUnknownChats: 998 });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(lines()).toHaveLength(2);
  });
});
