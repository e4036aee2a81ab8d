/**
 * The relay's life cycle (src/bridge/relay-states.ts): every event applies exactly from the states the table names,
 * in the real ledger (SQLite in a temp dir); and the queue, driven by a small in-memory Market and echo, walks
 * every transition of the table on the paths that use it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { getRelay, insertRelay, type RelayRow } from '../../src/db/relays.js';
import { RELAY_STATES, type RelayState } from '../../src/db/schema.js';
import { RELAY_TRANSITIONS, moveRelay, type RelayEvent } from '../../src/bridge/relay-states.js';
import { RelayQueue, type EchoResult, type RelayEcho, type RelayMarket } from '../../src/bridge/relay.js';
import type { PartnerMessages } from '../../src/bridge/history.js';
import { MarketError } from '../../src/market/errors.js';
import type { ChatMessage } from '../../src/market/types.js';
import { createLogger } from '../../src/logger.js';

let dir: string;
let db: OpenDb;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-states-'));
  db = openDb(join(dir, 'bridge.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let nextMessage = 1;
function row(state: RelayState, extra: Partial<RelayRow> = {}): RelayRow {
  return insertRelay(db.db, {
    businessId: 777,
    tgChatId: -100,
    tgMessageId: nextMessage++,
    tgThreadId: null,
    tgUserId: 1,
    marketChatId: 42,
    kind: 'text',
    text: 'Hello',
    state,
    ...extra,
  })!;
}

describe('the transition table', () => {
  const events = Object.keys(RELAY_TRANSITIONS) as RelayEvent[];

  it.each(events)('%s applies from exactly its `from` states, and moves to its `to` state', (event) => {
    const t = RELAY_TRANSITIONS[event];
    for (const state of RELAY_STATES) {
      const r = row(state);
      const moved = moveRelay(db.db, r.id, event);
      if ((t.from as readonly RelayState[]).includes(state)) expect(moved?.state, `${event} from ${state}`).toBe(t.to);
      else {
        expect(moved, `${event} from ${state}`).toBeUndefined();
        expect(getRelay(db.db, r.id)?.state).toBe(state);
      }
    }
  });

  it('every state is reachable from pending, and only delivered, refused, failed and cancelled are ends', () => {
    const reach = new Set<RelayState>(['pending']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const t of Object.values(RELAY_TRANSITIONS)) {
        if (t.from.some((f) => reach.has(f)) && !reach.has(t.to)) {
          reach.add(t.to);
          grew = true;
        }
      }
    }
    expect([...reach].sort()).toEqual([...RELAY_STATES].sort());
    const exits = (s: RelayState) => Object.values(RELAY_TRANSITIONS).filter((t) => (t.from as readonly RelayState[]).includes(s) && t.to !== s);
    expect(RELAY_STATES.filter((s) => exits(s).length === 0).sort()).toEqual(['cancelled', 'delivered', 'failed', 'refused']);
  });
});

// ---- The queue on each path, with a scripted Market and an echo that records what the seller was shown ----

type Step = 'ok' | MarketError;
const server = () => new MarketError('server', 'maybe', { status: 500 });

class ScriptedMarket implements RelayMarket {
  readonly calls: string[] = [];
  sends: Step[] = [];
  history: (PartnerMessages | MarketError)[] = [];
  private stored: ChatMessage[] = [];
  private id = 100;
  async sendMessage(_chat: number, text: string) {
    this.calls.push(`text:${text}`);
    const step = this.sends.shift() ?? 'ok';
    if (step !== 'ok') throw step;
    this.stored.push({ messageId: this.id++, sender: 'PARTNER', createdAt: '', message: text, payload: undefined });
  }
  async sendFile(_chat: number, file: { name: string }) {
    this.calls.push(`file:${file.name}`);
    const step = this.sends.shift() ?? 'ok';
    if (step !== 'ok') throw step;
    this.stored.push({ messageId: this.id++, sender: 'PARTNER', createdAt: '', payload: [{ name: file.name, url: 'x', size: 1 }] });
  }
  async partnerMessagesFrom(_chat: number, from: number | undefined): Promise<PartnerMessages> {
    this.calls.push('history');
    const next = this.history.shift();
    if (next instanceof MarketError) throw next;
    return next ?? { messages: this.stored.filter((m) => from === undefined || m.messageId >= from), complete: true };
  }
  /** Market stored the message although it answered with an error. */
  storeAnyway(text: string) {
    this.stored.push({ messageId: this.id++, sender: 'PARTNER', createdAt: '', message: text, payload: undefined });
  }
  blocked() {
    return undefined;
  }
}

class RecordingEcho implements RelayEcho {
  readonly shown: string[] = [];
  async delivered(r: RelayRow): Promise<EchoResult> {
    this.shown.push(`delivered:${r.id}`);
    return 'shown';
  }
  async waiting(): Promise<number | undefined> {
    return undefined;
  }
  async failed(r: RelayRow): Promise<EchoResult> {
    this.shown.push(`${r.state}:${r.id}`);
    return 'shown';
  }
  async uncertain(r: RelayRow): Promise<EchoResult> {
    this.shown.push(`uncertain:${r.id}`);
    return 'shown';
  }
}

function queue(market: ScriptedMarket, echo = new RecordingEcho()) {
  const q = new RelayQueue({
    db: db.db,
    businessId: 777,
    market,
    echo,
    files: { load: async () => new Uint8Array([1]) },
    log: createLogger({ level: 'silent', secrets: [] }),
    policy: { backoffMs: () => 1, reconcileAfterMs: 0, noticeAfterMs: 10_000, rateLimitFallbackMs: 10 },
  });
  return { q, echo };
}

const input = (text: string, extra: object = {}) => ({
  tgChatId: -100,
  tgMessageId: nextMessage++,
  tgThreadId: null,
  tgUserId: 1,
  marketChatId: 42,
  text,
  ...extra,
});

describe('the queue walks the table', () => {
  it('attempt -> accepted', async () => {
    const market = new ScriptedMarket();
    const { q, echo } = queue(market);
    const r = q.submit(input('Hi'))!;
    await q.idle();
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(echo.shown).toEqual([`delivered:${r.id}`]);
  });

  it('attempt -> unanswered -> found (Market stored it despite the 500)', async () => {
    const market = new ScriptedMarket();
    market.sends = [server()];
    const { q } = queue(market);
    const r = q.submit(input('Hi'))!;
    market.storeAnyway('Hi');
    await q.idle();
    expect(market.calls).toEqual(['text:Hi', 'history']);
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'delivered', attempts: 1, httpStatus: 500 });
  });

  it('unanswered -> attempt (the history shows nothing) ... -> failed once the tries are used up', async () => {
    const market = new ScriptedMarket();
    market.sends = [server(), server(), server()];
    const { q, echo } = queue(market);
    const r = q.submit(input('Hi'))!;
    await q.idle();
    expect(market.calls).toEqual(['text:Hi', 'history', 'text:Hi', 'history', 'text:Hi', 'history']);
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'failed', attempts: 3 });
    expect(echo.shown).toEqual([`failed:${r.id}`]);
  });

  it('attempt -> refused (400)', async () => {
    const market = new ScriptedMarket();
    market.sends = [new MarketError('rejected', 'no', { status: 400 })];
    const { q } = queue(market);
    const r = q.submit(input('call me'))!;
    await q.idle();
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'refused', attempts: 1 });
  });

  it('attempt -> deferred (420) -> attempt -> accepted, the 420 not counted as a try', async () => {
    const market = new ScriptedMarket();
    market.sends = [new MarketError('rate_limited', 'no', { status: 420, retryAt: Date.now() + 20 })];
    const { q } = queue(market);
    const r = q.submit(input('Hi'))!;
    await q.idle();
    expect(market.calls).toEqual(['text:Hi', 'text:Hi']);
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('attempt -> fileAccepted -> attempt (the caption) -> accepted; file_sent_at and delivered_at are separate', async () => {
    const market = new ScriptedMarket();
    const { q } = queue(market);
    const r = q.submit(input('Your invoice', { file: { fileId: 'f1', name: 'invoice.pdf', size: 1, mime: 'application/pdf' } }))!;
    await q.idle();
    expect(market.calls).toEqual(['file:invoice.pdf', 'text:Your invoice']);
    const done = getRelay(db.db, r.id)!;
    expect(done).toMatchObject({ state: 'delivered' });
    expect(done.fileSentAt).not.toBeNull();
    expect(done.deliveredAt).toBeGreaterThanOrEqual(done.fileSentAt!);
  });

  it('a 500 on the caption after the file took: the history is asked about the caption only, never the file again', async () => {
    const market = new ScriptedMarket();
    market.sends = ['ok', server()];
    const { q } = queue(market);
    const r = q.submit(input('Your invoice', { file: { fileId: 'f1', name: 'invoice.pdf', size: 1, mime: 'application/pdf' } }))!;
    await q.idle();
    expect(market.calls).toEqual(['file:invoice.pdf', 'text:Your invoice', 'history', 'text:Your invoice']);
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'delivered' });
  });

  it('unanswered -> unknown (the history cannot be read) -> resend -> attempt -> accepted, without another check', async () => {
    const market = new ScriptedMarket();
    market.sends = [server()];
    market.history = [new MarketError('forbidden', 'no', { status: 403 })];
    const { q, echo } = queue(market);
    const r = q.submit(input('Hi'))!;
    await q.idle();
    expect(getRelay(db.db, r.id)?.state).toBe('uncertain');
    expect(q.resend(r.id)?.state).toBe('pending');
    await q.idle();
    expect(market.calls).toEqual(['text:Hi', 'history', 'text:Hi']);
    expect(getRelay(db.db, r.id)).toMatchObject({ state: 'delivered' });
    expect(echo.shown).toEqual([`uncertain:${r.id}`, `delivered:${r.id}`]);
  });

  it('unknown -> cancel; a second decision changes nothing', async () => {
    const market = new ScriptedMarket();
    market.sends = [server()];
    market.history = [{ messages: [], complete: false }]; // pages ran out: cannot tell
    const { q } = queue(market);
    const r = q.submit(input('Hi'))!;
    await q.idle();
    expect(getRelay(db.db, r.id)?.state).toBe('uncertain');
    expect(q.cancel(r.id)?.state).toBe('cancelled');
    expect(q.resend(r.id)).toBeUndefined();
    expect(market.calls).toEqual(['text:Hi', 'history']);
  });

  it('an identical earlier message of the same chat, surely in the window, is not taken for this one', async () => {
    const market = new ScriptedMarket();
    const { q } = queue(market);
    const first = q.submit(input('Thanks'))!;
    await q.idle();
    market.sends = [server()];
    const second = q.submit(input('Thanks'))!;
    await q.idle();
    expect(market.calls).toEqual(['text:Thanks', 'text:Thanks', 'history', 'text:Thanks']);
    expect([first, second].map((r) => getRelay(db.db, r.id)?.state)).toEqual(['delivered', 'delivered']);
  });

  it('closed while the check is on the wire: the row stays `sending` for the next start, nobody is asked', async () => {
    const market = new ScriptedMarket();
    market.sends = [server()];
    let release!: () => void;
    market.partnerMessagesFrom = () =>
      new Promise<PartnerMessages>((_, reject) => (release = () => reject(new MarketError('timeout', 'maybe'))));
    const { q, echo } = queue(market);
    const r = q.submit(input('Hi'))!;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = q.close(1000);
    release();
    await closing;
    expect(getRelay(db.db, r.id)?.state).toBe('sending');
    expect(echo.shown).toEqual([]);
  });
});
