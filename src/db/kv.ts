/** The `kv` table: small facts that must survive a restart (one-time notices, sync milestones). */
import { eq } from 'drizzle-orm';
import type { Db } from './open.js';
import { kv } from './schema.js';

export function getKv(db: Db, key: string): string | undefined {
  return db.select({ value: kv.value }).from(kv).where(eq(kv.key, key)).get()?.value;
}

export function setKv(db: Db, key: string, value: string, now = Date.now()): void {
  db.insert(kv)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: kv.key, set: { value, updatedAt: now } })
    .run();
}

export function deleteKv(db: Db, key: string): void {
  db.delete(kv).where(eq(kv.key, key)).run();
}
