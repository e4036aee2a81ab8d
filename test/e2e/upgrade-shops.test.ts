/**
 * Upgrading a one-shop database: today's schema (migrations 0000-0008, as the previous version ran them) with a row in
 * every table, then this version's migrations and its first start. Every link, anchor, ledger row, cursor, inbox row
 * and kv value must survive, now owned by the business the bot served before, and a reply in the old linked topic
 * must still reach its buyer.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.js';
import { startBridge, StartupError } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { FakeMarketShops } from '../fakes/market-shops.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { ADMIN, Harness } from '../helpers/harness.js';

const dirs: string[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const GROUP = -1009876543210;
const T0 = 1_790_000_000_000;

/** A database exactly as the previous version left it: migrations 0000-0008 only, with data in every table. */
function newPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'market-bridge-upgrade-'));
  dirs.push(dir);
  return join(dir, 'bridge.sqlite');
}

function previousVersionDatabase(path: string, topic = 10): void {
  const dir = join(path, '..');
  const migrations = join(dir, 'migrations');
  cpSync('migrations', migrations, { recursive: true });
  const journalPath = join(migrations, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((e) => Number(e.tag.slice(0, 4)) <= 8);
  expect(journal.entries.map((e) => e.tag).at(-1)).toBe('0008_sync_cursors');
  writeFileSync(journalPath, JSON.stringify(journal));
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: migrations });
  const run = (sql: string, ...p: unknown[]) => sqlite.prepare(sql).run(...p);
  run(`INSERT INTO threads (tg_chat_id, tg_thread_id, market_chat_id, linked_by, created_at) VALUES (?, ?, 5001, ?, ?)`, GROUP, topic, ADMIN.id, T0);
  run(`INSERT INTO threads (tg_chat_id, tg_thread_id, market_chat_id, linked_by, created_at) VALUES (?, 11, 5002, NULL, ?)`, GROUP, T0);
  run(`INSERT INTO anchors (tg_chat_id, tg_message_id, market_chat_id, kind, created_at) VALUES (?, 100, 5001, 'link_card', ?)`, GROUP, T0);
  run(`INSERT INTO anchors (tg_chat_id, tg_message_id, market_chat_id, kind, created_at) VALUES (?, 101, 5002, 'buyer', ?)`, GROUP, T0);
  run(
    `INSERT INTO relays (tg_chat_id, tg_message_id, tg_thread_id, tg_user_id, market_chat_id, kind, text, state, attempts,
       delivered_at, echoed_at, market_message_id, history_from_id, created_at, updated_at)
     VALUES (?, 200, 10, ?, 5001, 'text', 'delivered before the upgrade', 'delivered', 1, ?, ?, 9001, 9000, ?, ?)`,
    GROUP, ADMIN.id, T0, T0, T0, T0,
  );
  run(
    `INSERT INTO relays (tg_chat_id, tg_message_id, tg_thread_id, tg_user_id, market_chat_id, kind, text, state, attempts,
       error_code, echoed_at, created_at, updated_at)
     VALUES (?, 201, 10, ?, 5001, 'text', 'refused before the upgrade', 'refused', 0, 'TOO_LONG', ?, ?, ?)`,
    GROUP, ADMIN.id, T0, T0, T0,
  );
  run(
    `INSERT INTO market_chats (market_chat_id, type, status, context_type, order_id, customer_name, market_updated_at,
       last_message_id, shown_from, skipped_messages, topic_title, card_message_id, shown_status, created_at, updated_at)
     VALUES (5002, 'CHAT', 'WAITING_FOR_PARTNER', 'ORDER', 77, 'Olga', ?, 9101, ?, 3, '❗ Order 77', 102, 'WAITING_FOR_PARTNER', ?, ?)`,
    T0, T0 - 1000, T0, T0,
  );
  run(
    `INSERT INTO inbound_messages (market_chat_id, market_message_id, sender, created_at, text, state, parts_sent,
       tg_chat_id, tg_message_id, recorded_at, delivered_at)
     VALUES (5002, 9101, 'CUSTOMER', ?, 'where is my order?', 'delivered', 1, ?, 101, ?, ?)`,
    T0, GROUP, T0, T0,
  );
  run(
    `INSERT INTO inbox (update_id, chat_key, "update", state, attempts, last_error, created_at, updated_at)
     VALUES (555, '-1009876543210:10', '{"update_id":555}', 'failed', 3, 'gave up', ?, ?)`,
    // Recent, so the start's pruning of old failed updates leaves it.
    Date.now(), Date.now(),
  );
  run(`INSERT INTO kv (key, value, updated_at) VALUES ('inbound.firstFullScanAt', ?, ?)`, String(T0 - 5000), T0);
  run(`INSERT INTO kv (key, value, updated_at) VALUES ('inbound.lastFullScanAt', ?, ?)`, String(T0), T0);
  run(`INSERT INTO kv (key, value, updated_at) VALUES ('market.limits', '{}', ?)`, T0);
  run(`INSERT INTO kv (key, value, updated_at) VALUES ('group.moved.-1001', '-1002', ?)`, T0);
  sqlite.close();
}

type Row = Record<string, unknown>;
function dump(path: string): Record<string, Row[]> {
  const db = new Database(path, { readonly: true });
  try {
    const out: Record<string, Row[]> = {};
    for (const table of ['threads', 'anchors', 'relays', 'market_chats', 'inbound_messages', 'inbox', 'kv']) {
      out[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all() as Row[];
    }
    return out;
  } finally {
    db.close();
  }
}

/** A row without the new column, for comparing with the row as the previous version wrote it. */
const withoutBusiness = ({ business_id: _b, ...rest }: Row) => rest;

describe('upgrading a database of the one-shop version', () => {
  it('the new migrations keep every row of every table; the first start gives them to the business served before', async () => {
    const path = newPath();
    h = await Harness.create({ env: { DATABASE_PATH: path, TELEGRAM_CHAT_ID: String(GROUP) }, start: false });
    h.tg.addGroup({ id: GROUP, title: 'Shop team', type: 'supergroup', forum: true });
    const topic = h.tg.createTopic(GROUP, 'Linked before the upgrade').message_thread_id;
    previousVersionDatabase(path, topic);
    const before = dump(path);
    expect(Object.values(before).every((rows) => rows.length > 0)).toBe(true);

    const o = openDb(path); // this version's migrations
    o.close();
    const migrated = dump(path);
    for (const table of ['threads', 'anchors', 'relays', 'market_chats', 'inbound_messages']) {
      expect(migrated[table]!.map(withoutBusiness), table).toEqual(before[table]);
      expect(migrated[table]!.every((r) => r.business_id === 0), `${table}: not yet owned`).toBe(true);
    }
    expect(migrated.inbox).toEqual(before.inbox);
    expect(migrated.kv).toEqual(before.kv);

    // The first start: MARKET_BUSINESS_ID (required by the previous version) names the business.
    await h.start();
    const biz = h.market.businessId;
    const after = dump(path);
    for (const table of ['threads', 'anchors', 'relays', 'market_chats', 'inbound_messages']) {
      const now = after[table]!.filter((r) => table !== 'relays' || (r.id as number) <= 2);
      expect(now.map(withoutBusiness), table).toEqual(before[table]);
      expect(now.every((r) => r.business_id === biz), `${table}: owned by ${biz}`).toBe(true);
    }
    expect(after.inbox!.find((r) => r.update_id === 555)).toEqual(before.inbox![0]);
    const kv = Object.fromEntries(after.kv!.map((r) => [r.key, r.value]));
    expect(kv[`inbound.firstFullScanAt@${biz}`]).toBe(String(T0 - 5000));
    expect(kv[`inbound.lastFullScanAt@${biz}`]).toBe(String(T0));
    expect(kv['inbound.firstFullScanAt']).toBeUndefined();
    expect(kv['market.limits']).toBeUndefined();
    expect(kv[`market.limits@${biz}`]).toBeDefined();
    expect(kv['group.moved.-1001']).toBe('-1002');

    // The old link still works: a reply in the linked topic reaches Market chat 5001 of that business.
    h.market.addChat({ chatId: 5001, customerName: 'Ivan' });
    const said = h.tg.userSends({ chatId: GROUP, threadId: topic, from: ADMIN, text: 'after the upgrade' });
    await h.tg.waitForCall('setMessageReaction', (c) => c.params.message_id === said.message_id && c.ok);
    expect(h.sends(5001).map((r) => (r.body as { message: string }).message)).toEqual(['after the upgrade']);
  });

  it('one key and no MARKET_BUSINESS_ID: the rows are the only shop’s', async () => {
    const path = newPath();
    previousVersionDatabase(path);
    h = await Harness.create({ env: { DATABASE_PATH: path, MARKET_BUSINESS_ID: '' } });
    expect(h.config.market.businessId).toBeUndefined();
    const owners = new Set(dump(path).threads!.map((r) => r.business_id));
    expect([...owners]).toEqual([h.market.businessId]);
  });

  it('several keys and no MARKET_BUSINESS_ID: the rows’ business is not guessed, the start says what to set', async () => {
    const path = newPath();
    previousVersionDatabase(path);
    const tg = await FakeTelegram.start();
    const shops = await FakeMarketShops.start([
      { apiKey: 'ACMA:one:1', businessId: 601, businessName: 'One' },
      { apiKey: 'ACMA:two:2', businessId: 602, businessName: 'Two' },
    ]);
    try {
      const parsed = parseConfig({
        TELEGRAM_BOT_TOKEN: tg.token,
        TELEGRAM_API_ROOT: tg.apiRoot,
        TELEGRAM_ADMIN_IDS: String(ADMIN.id),
        MARKET_API_KEY: 'ACMA:one:1,ACMA:two:2',
        MARKET_API_URL: shops.url,
        DATABASE_PATH: path,
        LOG_LEVEL: 'silent',
      });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const err = await startBridge(parsed.config, { marketTimeoutMs: 400 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect((err as StartupError).lines).toEqual([expect.stringMatching(/^MARKET_BUSINESS_ID is needed once: .*\(601, 602\)/)]);
      // Nothing was given away: the rows still wait for their business.
      expect(new Set(dump(path).threads!.map((r) => r.business_id))).toEqual(new Set([0]));
      expect(shops.violations).toEqual([]);
    } finally {
      await tg.stop();
      await shops.stop();
    }
  });
});
