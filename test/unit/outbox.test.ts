import { describe, expect, it } from 'vitest';
import { OutboxClosed, TelegramOutbox } from '../../src/telegram/outbox.js';
import { splitText } from '../../src/telegram/inbound.js';

describe('TelegramOutbox', () => {
  it('runs a chat’s tasks one at a time, in order, even when earlier ones fail', async () => {
    const outbox = new TelegramOutbox({ pacing: { groupPerMinute: 1000 } });
    const log: string[] = [];
    const slow = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => setTimeout(() => (log.push(name), fail ? reject(new Error(name)) : resolve(name)), ms));
    const results = await Promise.allSettled([
      outbox.run(-1, slow('a', 30)),
      outbox.run(-1, slow('b', 1, true)),
      outbox.run(-1, slow('c', 1)),
      outbox.run(-2, slow('other chat', 1)),
    ]);
    expect(log.filter((x) => x !== 'other chat')).toEqual(['a', 'b', 'c']);
    expect(log.indexOf('other chat')).toBeLessThan(log.indexOf('a'));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it('holds a private chat to its rate', async () => {
    const outbox = new TelegramOutbox({ pacing: { privatePerSecond: 2 } });
    const at: number[] = [];
    await Promise.all([1, 2, 3].map(() => outbox.run(42, async () => void at.push(Date.now()))));
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(900);
  });

  it('counts a send from its answer, when Telegram has surely got it, not from its start', async () => {
    // Telegram counts a send when it arrives. The first one here is slow (its request may reach Telegram as late as
    // its answer), so the next may only start a whole window after that answer, or Telegram sees two in one second.
    const outbox = new TelegramOutbox({ pacing: { privatePerSecond: 1 } });
    const times: Array<[start: number, end: number]> = [];
    const send = (ms: number) => async () => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, ms));
      times.push([start, Date.now()]);
    };
    await Promise.all([outbox.run(43, send(300)), outbox.run(43, send(1))]);
    expect(times[1]![0] - times[0]![1]).toBeGreaterThanOrEqual(990);
  });

  it('lets the running task finish once closed, and refuses the waiting ones (their callers keep them)', async () => {
    const outbox = new TelegramOutbox({ pacing: { groupPerMinute: 1 } });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = outbox.run(-5, async () => {
      started();
      await new Promise((r) => setTimeout(r, 20));
      return 'sent';
    });
    const second = outbox.run(-5, async () => 'never');
    await running;
    outbox.close();
    await expect(first).resolves.toBe('sent');
    await expect(second).rejects.toBeInstanceOf(OutboxClosed);
    await expect(outbox.run(-5, async () => 'late')).rejects.toBeInstanceOf(OutboxClosed);
  });
});

describe('splitText', () => {
  it('splits at line breaks when it can, and never inside a surrogate pair', () => {
    expect(splitText('short', 10)).toEqual(['short']);
    expect(splitText('aaaa\nbbbbbbb', 8)).toEqual(['aaaa', 'bbbbbbb']);
    const emoji = `${'x'.repeat(7)}😀tail`;
    const parts = splitText(emoji, 8);
    expect(parts.join('')).toBe(emoji);
    expect(parts.every((p) => p.length <= 8 && !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
