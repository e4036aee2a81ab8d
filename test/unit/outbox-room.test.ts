import { describe, expect, it } from 'vitest';
import { TelegramOutbox } from '../../src/telegram/outbox.js';

describe('TelegramOutbox.room', () => {
  it('counts what a chat’s window still allows now, less the tasks queued there, and frees it as the window rolls', async () => {
    let now = 1_000_000;
    const outbox = new TelegramOutbox({ pacing: { groupPerMinute: 5, globalPerSecond: 1000 }, now: () => now });
    expect(outbox.room(-1)).toEqual({ free: 5, size: 5 });
    await outbox.run(-1, async () => undefined);
    await outbox.run(-1, async () => undefined);
    expect(outbox.room(-1).free).toBe(3);
    // Another group has its own window.
    expect(outbox.room(-2).free).toBe(5);

    // A task held by a slow one ahead of it counts as queued: it will take a place.
    let release!: () => void;
    const slow = outbox.run(-1, () => new Promise<void>((r) => (release = r)));
    const behind = outbox.run(-1, async () => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(outbox.room(-1).free).toBe(1);
    release();
    await Promise.all([slow, behind]);
    expect(outbox.room(-1).free).toBe(1);

    now += 60_000;
    expect(outbox.room(-1).free).toBe(5);
  });

  it('is bounded by the overall rate too, and a private chat has a window of its own size', async () => {
    const outbox = new TelegramOutbox({ pacing: { groupPerMinute: 20, privatePerSecond: 1, globalPerSecond: 2 } });
    await outbox.run(-1, async () => undefined);
    await outbox.run(-3, async () => undefined);
    expect(outbox.room(-1)).toEqual({ free: 0, size: 20 });
    expect(outbox.room(42).size).toBe(1);
    outbox.close();
  });
});
