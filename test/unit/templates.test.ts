/** The template core (bridge/templates.ts) on a real SQLite file, with a small fake of the relay it hands Send to. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ShopTemplates, unknownVariables, type TemplateRelay } from '../../src/bridge/templates.js';
import type { NewRelay } from '../../src/bridge/relay.js';
import type { RelayRow } from '../../src/db/relays.js';
import { openDb, type OpenDb } from '../../src/db/open.js';
import { createLogger } from '../../src/logger.js';

const log = createLogger({ level: 'silent', secrets: [], destination: { write: () => undefined } });

/** Records what it was asked to relay; like the ledger, one row per Telegram message. */
class FakeRelay implements TemplateRelay {
  readonly submitted: NewRelay[] = [];
  submit(input: NewRelay): RelayRow | undefined {
    if (this.submitted.some((s) => s.tgChatId === input.tgChatId && s.tgMessageId === input.tgMessageId)) return undefined;
    this.submitted.push(input);
    return { id: this.submitted.length } as RelayRow;
  }
}

const opened: { dir: string; o: OpenDb }[] = [];
afterEach(() => {
  for (const { dir, o } of opened.splice(0)) {
    o.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function setup(opts: { shopName?: string; now?: number; timeZone?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'templates-'));
  const o = openDb(join(dir, 'bridge.sqlite'));
  opened.push({ dir, o });
  o.sqlite
    .prepare(
      `INSERT INTO market_chats (business_id, market_chat_id, type, status, context_type, order_id, customer_name, created_at, updated_at)
       VALUES (42, 501, 'CHAT', 'WAITING_FOR_PARTNER', 'ORDER', 7788, 'Ivan', 0, 0), (42, 502, 'CHAT', 'NEW', 'DIRECT', NULL, NULL, 0, 0)`,
    )
    .run();
  const relay = new FakeRelay();
  const tpl = new ShopTemplates({
    db: o.db,
    log,
    relay,
    businessId: 42,
    shopName: opts.shopName,
    timeZone: opts.timeZone,
    now: () => opts.now ?? Date.UTC(2026, 0, 1, 22, 30),
  });
  return { tpl, relay };
}

const where = (marketChatId: number) => ({ tgChatId: -100, tgThreadId: 9, marketChatId });

describe('templates', () => {
  it('fills {buyer}, {order}, {shop} and {date} (today in the zone), names case-insensitive', () => {
    const { tpl } = setup({ shopName: 'Best Shop' });
    expect(tpl.save('Hello', 'Hi {Buyer}, order {order} ({shop}, {date})', 1)).toEqual({ ok: true, replaced: false, name: 'hello' });
    const id = tpl.list()[0]!.id;
    // 22:30 UTC on 1 January is already 2 January in Moscow.
    expect(tpl.propose(id, where(501), 1)).toMatchObject({ text: 'Hi Ivan, order 7788 (Best Shop, 02.01.2026)', missing: null });
    const utc = setup({ shopName: 'Best Shop', timeZone: 'UTC' }).tpl;
    utc.save('hello', '{date}', 1);
    expect(utc.propose(utc.list()[0]!.id, where(501), 1)?.text).toBe('01.01.2026');
  });

  it('lists what the chat has no value for, and refuses Send while it does', () => {
    const { tpl, relay } = setup();
    tpl.save('x', 'Hi {buyer}, order {order}, {shop}', 1);
    const p = tpl.propose(tpl.list()[0]!.id, where(502), 1)!;
    expect(p.missing).toBe('buyer,order,shop');
    expect(p.text).toBe('Hi {buyer}, order {order}, {shop}');
    expect(tpl.choose(p.id, 'send', 1, 77).outcome).toBe('blocked');
    expect(relay.submitted).toEqual([]);
    expect(tpl.choose(p.id, 'cancel', 1, 77).outcome).toBe('cancelled');
  });

  it('sends once, keyed by the preview message, and only from that message', () => {
    const { tpl, relay } = setup({ shopName: 'S' });
    tpl.save('x', 'Hello {buyer}', 1);
    const p = tpl.propose(tpl.list()[0]!.id, where(501), 5)!;
    tpl.previewShown(p.id, 77);
    expect(tpl.choose(p.id, 'send', 6, 78).outcome).toBe('stale'); // a button copied onto another message
    expect(tpl.choose(p.id, 'send', 6, 77).outcome).toBe('sent');
    expect(tpl.choose(p.id, 'send', 6, 77).outcome).toBe('stale');
    expect(tpl.choose(p.id, 'cancel', 6, 77).outcome).toBe('stale');
    expect(relay.submitted).toEqual([{ tgChatId: -100, tgMessageId: 77, tgThreadId: 9, tgUserId: 6, marketChatId: 501, text: 'Hello Ivan' }]);
  });

  it('refuses bad names, unknown variables and texts too long; replaces by name; deletes', () => {
    const { tpl } = setup();
    expect(tpl.save('a b', 'x', 1)).toMatchObject({ ok: false, why: 'name' });
    expect(tpl.save('a', '   ', 1)).toMatchObject({ ok: false, why: 'empty' });
    expect(tpl.save('a', 'x'.repeat(3501), 1)).toMatchObject({ ok: false, why: 'too_long' });
    expect(tpl.save('a', 'Hi {name} {buyer}', 1)).toEqual({ ok: false, why: 'variable', detail: '{name}' });
    expect(unknownVariables('{a} {b} {a} {date} { spaced }')).toEqual(['a', 'b']);
    expect(tpl.save('Ок_1', 'one', 1)).toMatchObject({ ok: true, replaced: false, name: 'ок_1' });
    expect(tpl.save('ОК_1', 'two', 2)).toMatchObject({ ok: true, replaced: true });
    expect(tpl.list().map((r) => [r.name, r.text])).toEqual([['ок_1', 'two']]);
    expect(tpl.remove('ок_1', 1)).toBe(true);
    expect(tpl.remove('ок_1', 1)).toBe(false);
  });
});
