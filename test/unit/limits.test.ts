/** MarketLimits: 4 requests in flight per business, sellers before background work, hourly quotas, 420 pauses. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rateLimitCause } from '../../src/market/errors.js';
import { MarketLimits, QuotaExhausted, UNRECOGNISED_420_PAUSE_MS, type Permit } from '../../src/market/limits.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 6, 20, 10, 17, 0);

/** A controllable clock. */
function clock(start = T0) {
  const c = { t: start, now: () => c.t };
  return c;
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise((r) => setImmediate(r));

async function rejection(p: Promise<unknown>): Promise<QuotaExhausted> {
  try {
    await p;
  } catch (e) {
    if (e instanceof QuotaExhausted) return e;
    throw e;
  }
  throw new Error('expected QuotaExhausted');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('parallel requests', () => {
  it('lets at most 4 requests be in flight; the 5th starts when one finishes', async () => {
    const limits = new MarketLimits({ now: clock().now });
    const started: number[] = [];
    const permits: Permit[] = [];
    for (let i = 0; i < 7; i++) {
      void limits.acquire('getChat', 'relay').then((p) => {
        started.push(i);
        permits.push(p);
      });
    }
    await flush();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limits.inFlightNow).toBe(4);

    permits[0]!.release(200, {});
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(limits.inFlightNow).toBe(4);

    permits[1]!.release(); // no answer at all (network error) frees the slot too
    permits[1]!.release(); // a second release of the same permit is ignored
    await flush();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limits.inFlightNow).toBe(4);
    expect(limits.maxInFlightSeen).toBe(4);
  });

  it('hands free slots to seller replies before background sync, each group first come first served', async () => {
    const limits = new MarketLimits({ maxParallel: 1, now: clock().now });
    const first = await limits.acquire('getChat', 'relay');
    const order: string[] = [];
    const take = (name: string, p: Promise<Permit>) =>
      void p.then((permit) => {
        order.push(name);
        permit.release(200, {});
      });
    take('sync-1', limits.acquire('getChats', 'sync'));
    take('relay-1', limits.acquire('sendMessageToChat', 'relay'));
    take('sync-2', limits.acquire('getChatHistory', 'sync'));
    take('relay-2', limits.acquire('getChat', 'relay'));
    await flush();
    expect(order).toEqual([]);

    first.release(200, {});
    for (let i = 0; i < 6; i++) await flush();
    expect(order).toEqual(['relay-1', 'relay-2', 'sync-1', 'sync-2']);
    expect(limits.inFlightNow).toBe(0);
  });

  it('after a "4 parallel requests" 420, waits about a second before the next request, without touching the quota', async () => {
    vi.useFakeTimers({ now: T0 });
    const limits = new MarketLimits();
    const p = await limits.acquire('getChat', 'relay');
    p.release(420, {}, 'parallel');
    let started = false;
    void limits.acquire('getChat', 'relay').then(() => (started = true));
    await vi.advanceTimersByTimeAsync(900);
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toBe(true);
    expect(limits.remaining('getChat')).toBe(1000 - 2);
    expect(limits.blockedUntil('getChat', 'relay')).toBeUndefined();
  });
});

describe('hourly quotas', () => {
  it('refuses a method whose quota is used up with QuotaExhausted at the end of the hour, without waiting', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now, quotas: { sendMessageToChat: 3 } });
    for (let i = 0; i < 3; i++) {
      (await limits.acquire('sendMessageToChat', 'relay')).release(200, {});
      c.t += 60_000;
    }
    c.t = T0 + 30 * 60_000;
    const e = await rejection(limits.acquire('sendMessageToChat', 'relay'));
    expect(e.op).toBe('sendMessageToChat');
    expect(e.until).toBe(T0 + HOUR); // the window opened with the first call
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBe(T0 + HOUR);
    expect(limits.inFlightNow).toBe(0);
    // Other methods are not affected.
    (await limits.acquire('getChat', 'relay')).release(200, {});

    c.t = T0 + HOUR;
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBeUndefined();
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, {});
  });

  it('background sync leaves a reserve of each quota for sellers', async () => {
    const limits = new MarketLimits({ now: clock().now, quotas: { getChat: 10 }, syncReserve: 0.2 });
    for (let i = 0; i < 8; i++) (await limits.acquire('getChat', 'sync')).release(200, {});
    await rejection(limits.acquire('getChat', 'sync'));
    for (let i = 0; i < 2; i++) (await limits.acquire('getChat', 'relay')).release(200, {});
    await rejection(limits.acquire('getChat', 'relay'));
  });

  it('a quota used up while waiting for a slot is reported to the waiter, and the slot goes to the next one', async () => {
    const limits = new MarketLimits({ maxParallel: 1, now: clock().now, quotas: { sendMessageToChat: 1 } });
    const held = await limits.acquire('sendMessageToChat', 'relay');
    const waiting = limits.acquire('sendMessageToChat', 'relay');
    const other = limits.acquire('getChat', 'relay');
    held.release(200, {});
    await rejection(waiting);
    const p = await other;
    expect(limits.inFlightNow).toBe(1);
    p.release(200, {});
    expect(limits.inFlightNow).toBe(0);
  });
});

describe('corrections from X-RateLimit-Resource-* headers', () => {
  it('takes Market’s remaining count (the key may be shared with other tools)', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, { limit: 1000, remaining: 10, until: T0 + 40 * 60_000 });
    expect(limits.remaining('sendMessageToChat')).toBe(10);
    // Answers arrive out of order: an older, higher count does not give calls back.
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, { limit: 1000, remaining: 12, until: T0 + 40 * 60_000 });
    expect(limits.remaining('sendMessageToChat')).toBe(9);
  });

  it('takes Market’s limit', async () => {
    const limits = new MarketLimits({ now: clock().now });
    (await limits.acquire('getChat', 'relay')).release(200, { limit: 5, remaining: 4 });
    for (let i = 0; i < 4; i++) (await limits.acquire('getChat', 'relay')).release(200, {});
    await rejection(limits.acquire('getChat', 'relay'));
  });

  it('when Market says the quota is used up, QuotaExhausted carries Market’s X-RateLimit-Resource-Until', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    const marketUntil = T0 + 20 * 60_000; // Market's window started before ours
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, { limit: 1000, remaining: 0, until: marketUntil });
    const e = await rejection(limits.acquire('sendMessageToChat', 'relay'));
    expect(e.until).toBe(marketUntil);
    c.t = marketUntil;
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, {});
  });

  it('a window Market has opened later than ours resets the count', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    (await limits.acquire('getChat', 'relay')).release(200, { limit: 1000, remaining: 0, until: T0 + HOUR });
    expect(limits.remaining('getChat')).toBe(0);
    c.t = T0 + HOUR;
    (await limits.acquire('getChat', 'relay')).release(200, { limit: 1000, remaining: 999, until: T0 + 2 * HOUR });
    expect(limits.remaining('getChat')).toBe(999);
  });
});

describe('420 from Market', () => {
  it('pauses only that method until X-RateLimit-Resource-Until, then lets it through again', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    const until = T0 + 5_000;
    (await limits.acquire('sendMessageToChat', 'relay')).release(420, { limit: 1000, remaining: 0, until }, 'resource');

    const e = await rejection(limits.acquire('sendMessageToChat', 'relay'));
    expect(e.until).toBe(until);
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBe(until);
    expect(limits.blockedUntil('getChat', 'relay')).toBeUndefined();

    c.t = until;
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBeUndefined();
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, {});
  });

  it('without X-RateLimit-Resource-Until, pauses for a minute', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    (await limits.acquire('getChatHistory', 'relay')).release(420, {}, 'resource');
    expect(limits.blockedUntil('getChatHistory', 'relay')).toBe(T0 + 60_000);
    c.t = T0 + 60_000;
    (await limits.acquire('getChatHistory', 'relay')).release(200, {});
  });
});

describe('a 420 Market does not explain', () => {
  it('pauses the method briefly, never until the end of the hourly window in X-RateLimit-Resource-Until', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    // Market still says 500 calls are left: this 420 is not the hourly quota, whatever Until says.
    (await limits.acquire('sendMessageToChat', 'relay')).release(420, { limit: 1000, remaining: 500, until: T0 + HOUR }, 'unknown');
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBe(T0 + UNRECOGNISED_420_PAUSE_MS);
    expect(UNRECOGNISED_420_PAUSE_MS).toBeLessThanOrEqual(60_000);
    expect(limits.blockedUntil('getChat', 'relay')).toBeUndefined();
    c.t = T0 + UNRECOGNISED_420_PAUSE_MS;
    expect(limits.blockedUntil('sendMessageToChat', 'relay')).toBeUndefined();
    expect(limits.remaining('sendMessageToChat')).toBe(500);
    (await limits.acquire('sendMessageToChat', 'relay')).release(200, {});
  });

  it('ends the pause at Until when Market names an earlier time', async () => {
    const c = clock();
    const limits = new MarketLimits({ now: c.now });
    (await limits.acquire('getChat', 'relay')).release(420, { until: T0 + 2_000 }, 'unknown');
    expect(limits.blockedUntil('getChat', 'relay')).toBe(T0 + 2_000);
  });
});

describe('rateLimitCause: the 420 answers of Market’s docs (concepts/error-codes#420, concepts/limits)', () => {
  it('recognises the parallel-requests answer in each documented wording', () => {
    expect(rateLimitCause(['Hit rate limit of 4 parallel requests for businessId 12345'], 700)).toBe('parallel');
    expect(rateLimitCause(['Hit rate limit of 2 parallel requests'], undefined)).toBe('parallel');
    expect(rateLimitCause(["Hit rate limit of '4' parallel requests"], undefined)).toBe('parallel');
    // The parallel answer wins even when the hourly count happens to be at 0.
    expect(rateLimitCause(['Hit rate limit of 4 parallel requests for businessId 1'], 0)).toBe('parallel');
  });

  it('recognises the resource answer in each documented wording, and a used-up X-RateLimit-Resource-Remaining', () => {
    expect(rateLimitCause(["Hit rate limit of '1000' requests per '1 hour' for resource '249'"], undefined)).toBe('resource');
    expect(rateLimitCause(['Hit rate limit of 10 000 points per 1 day for resource /regions/{regionId}.json'], 3)).toBe('resource');
    expect(rateLimitCause(['Превышено ограничение на доступ к ресурсу'], 0)).toBe('resource');
  });

  it('does not take the word "parallel" alone, or any other text, for a documented answer', () => {
    expect(rateLimitCause(['Too many parallel uploads for resource files'], 10)).toBe('unknown');
    expect(rateLimitCause(['Превышено ограничение на доступ к ресурсу'], 500)).toBe('unknown');
    expect(rateLimitCause([], undefined)).toBe('unknown');
    expect(rateLimitCause([undefined], undefined)).toBe('unknown');
  });
});
