/**
 * Statements compiled once per database. Building a drizzle query and preparing it in SQLite cost more than
 * running it (the relay benchmark spent 40% of its time there), so hot queries are prepared with placeholders
 * and kept, keyed by the shape of the query.
 */
import type { Db } from './open.js';

const caches = new WeakMap<Db, Map<string, unknown>>();

export function cached<T>(db: Db, key: string, build: () => T): T {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let hit = cache.get(key) as T | undefined;
  if (hit === undefined) {
    hit = build();
    cache.set(key, hit);
  }
  return hit;
}

/** Values for placeholders: SQLite binds numbers, strings and null, not booleans or undefined. */
export function bindable(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return out;
}
