/**
 * `team_members`: the people an owner added with /team add (owners themselves come from TELEGRAM_ADMIN_IDS and are
 * not stored). Read on every check, so adding or removing someone takes effect with their next message.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { cached } from './prepared.js';
import { teamMembers } from './schema.js';

export interface TeamMember {
  userId: number;
  name: string | null;
  addedBy: number;
  addedAt: number;
}

export function isMember(db: Db, userId: number): boolean {
  // Asked for every message in a team chat, so prepared once.
  const q = cached(db, 'team.isMember', () =>
    db.select({ one: sql<number>`1` }).from(teamMembers).where(eq(teamMembers.userId, sql.placeholder('id'))).prepare(),
  );
  return q.get({ id: userId }) !== undefined;
}

/** Adds someone (or refreshes their name). Returns false when they were on the team already. */
export function addMember(db: Db, m: { userId: number; name: string | null; addedBy: number }, now = Date.now()): boolean {
  return db.transaction(() => {
    const existed = isMember(db, m.userId);
    db.insert(teamMembers)
      .values({ ...m, addedAt: now })
      .onConflictDoUpdate({ target: teamMembers.userId, set: m.name !== null ? { name: m.name } : { userId: m.userId } })
      .run();
    return !existed;
  });
}

/** Returns false when they were not on the team. */
export function removeMember(db: Db, userId: number): boolean {
  return db.delete(teamMembers).where(eq(teamMembers.userId, userId)).run().changes > 0;
}

export function listMembers(db: Db): TeamMember[] {
  return db.select().from(teamMembers).orderBy(asc(teamMembers.addedAt), asc(teamMembers.userId)).all();
}

/** The name to show for someone already on the team, when known. */
export function memberName(db: Db, userId: number): string | null | undefined {
  return db.select({ name: teamMembers.name }).from(teamMembers).where(eq(teamMembers.userId, userId)).get()?.name;
}
