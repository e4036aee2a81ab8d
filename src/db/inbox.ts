/**
 * The `inbox` table: Telegram updates stored before Telegram is told they arrived, then handled from here (see
 * telegram/dispatch.ts). Rows are handled per chat key in `id` order, which is the order Telegram delivered them
 * (update ids are not: Telegram may restart them at random after a quiet week).
 */
import { and, count, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { inbox, type InboxRow } from './schema.js';

export type { InboxRow };

export interface IncomingUpdate {
  updateId: number;
  chatKey: string;
  /** The update as JSON. */
  update: string;
  /** 1 when its handler starts right away (the attempt is counted in the same write), else 0. */
  attempts?: 0 | 1;
}

/**
 * Stores updates in one transaction; an update already stored (Telegram delivered it again) is skipped. Returns
 * each update's new row id, or undefined where it was a repeat. Throws when the write fails: then nothing was
 * stored and the caller must not confirm them.
 */
export function storeUpdates(db: Db, updates: readonly IncomingUpdate[], now = Date.now()): (number | undefined)[] {
  const stmt = cached(db, 'inbox.insert', () =>
    db
      .insert(inbox)
      .values({
        updateId: sql.placeholder('updateId'),
        chatKey: sql.placeholder('chatKey'),
        update: sql.placeholder('update'),
        state: 'pending',
        attempts: sql.placeholder('attempts'),
        createdAt: sql.placeholder('now'),
        updatedAt: sql.placeholder('now'),
      } as unknown as typeof inbox.$inferInsert)
      .onConflictDoNothing({ target: inbox.updateId })
      .returning({ id: inbox.id })
      .prepare(),
  );
  return db.transaction(() => updates.map((u) => stmt.get({ ...u, attempts: u.attempts ?? 0, now })?.id));
}

/** How many rows of each chat key are pending (handled, waiting or being handled), read once at start. */
export function pendingPerKey(db: Db): Map<string, number> {
  const rows = db
    .select({ chatKey: inbox.chatKey, n: count() })
    .from(inbox)
    .where(eq(inbox.state, 'pending'))
    .groupBy(inbox.chatKey)
    .all();
  return new Map(rows.map((r) => [r.chatKey, r.n]));
}

/** The oldest pending row of every chat key: what may be handled next (at most one at a time per key). */
export function pendingHeads(db: Db): InboxRow[] {
  const stmt = cached(db, 'inbox.heads', () =>
    db
      .select()
      .from(inbox)
      .where(
        inArray(
          inbox.id,
          db
            .select({ id: sql<number>`min(${inbox.id})` })
            .from(inbox)
            .where(eq(inbox.state, 'pending'))
            .groupBy(inbox.chatKey),
        ),
      )
      .orderBy(inbox.id)
      .prepare(),
  );
  return stmt.all();
}

/** Counts an attempt before it starts (so a handler that kills the process is not retried for ever). */
export function startAttempt(db: Db, id: number, now = Date.now()): number {
  const stmt = cached(db, 'inbox.attempt', () =>
    db
      .update(inbox)
      .set({ attempts: sql`${inbox.attempts} + 1`, updatedAt: sql.placeholder('now') as unknown as number })
      .where(eq(inbox.id, sql.placeholder('id')))
      .returning({ attempts: inbox.attempts })
      .prepare(),
  );
  const row = stmt.get({ id, now });
  if (!row) throw new Error(`inbox row ${id} vanished`);
  return row.attempts;
}

/** Handled: only the update id is kept (until pruned), so a redelivery of it is recognised. */
export function markDone(db: Db, id: number, now = Date.now()): void {
  // Once per update: prepared once.
  const stmt = cached(db, 'inbox.done', () =>
    db
      .update(inbox)
      .set({ state: 'done', update: null, lastError: null, notBefore: null, updatedAt: sql.placeholder('now') as unknown as number })
      .where(eq(inbox.id, sql.placeholder('id')))
      .prepare(),
  );
  stmt.run({ id, now });
}

export function markRetry(db: Db, id: number, notBefore: number, error: string, now = Date.now()): void {
  db.update(inbox).set({ notBefore, lastError: error, updatedAt: now }).where(eq(inbox.id, id)).run();
}

/** Given up on: the seller is told; the row keeps the update and the reason until pruned. */
export function markFailed(db: Db, id: number, error: string, now = Date.now()): void {
  db.update(inbox).set({ state: 'failed', lastError: error, notBefore: null, updatedAt: now }).where(eq(inbox.id, id)).run();
}

/** Deletes done rows older than `doneBefore` and failed rows older than `failedBefore`; returns how many. */
export function pruneInbox(db: Db, p: { doneBefore: number; failedBefore: number }): number {
  const done = db.delete(inbox).where(and(eq(inbox.state, 'done'), lt(inbox.updatedAt, p.doneBefore))).run().changes;
  const failed = db.delete(inbox).where(and(eq(inbox.state, 'failed'), lt(inbox.updatedAt, p.failedBefore))).run().changes;
  return done + failed;
}

export function pendingCount(db: Db): number {
  return db.select({ n: count() }).from(inbox).where(eq(inbox.state, 'pending')).get()?.n ?? 0;
}
