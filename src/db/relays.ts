/** The relay ledger: one row per seller message the bridge was asked to deliver (see schema.ts `relays`). */
import type Database from 'better-sqlite3';
import { and, asc, count, desc, eq, getTableName, gte, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { bindable, cached } from './prepared.js';
import { inboundMessages, marketChats, relays, type NewRelayRow, type RelayRow, type RelayState } from './schema.js';

export type { RelayRow, RelayState };

/** States the relay queue works on, also after a restart. */
export const OPEN_STATES: readonly RelayState[] = ['pending', 'sending'];

/** Records a seller message; returns undefined when this Telegram message was recorded before (a redelivery). */
export function insertRelay(
  db: Db,
  r: Omit<NewRelayRow, 'id' | 'createdAt' | 'updatedAt' | 'attempts' | 'businessId'> & { businessId: number },
  now = Date.now(),
): RelayRow | undefined {
  const values = bindable({ ...r, createdAt: now, updatedAt: now });
  const keys = Object.keys(values).sort();
  const stmt = cached(db, `relays.insert:${keys.join(',')}`, () =>
    db
      .insert(relays)
      .values(placeholders(keys) as unknown as NewRelayRow)
      .onConflictDoNothing({ target: [relays.tgChatId, relays.tgMessageId] })
      .returning()
      .prepare(),
  );
  return stmt.get(values);
}

export function getRelay(db: Db, id: number): RelayRow | undefined {
  const stmt = cached(db, 'relays.get', () =>
    db.select().from(relays).where(eq(relays.id, sql.placeholder('id'))).prepare(),
  );
  return stmt.get({ id });
}

export function relayOfMessage(db: Db, tgChatId: number, tgMessageId: number): RelayRow | undefined {
  return db
    .select()
    .from(relays)
    .where(and(eq(relays.tgChatId, tgChatId), eq(relays.tgMessageId, tgMessageId)))
    .get();
}

export function updateRelay(
  db: Db,
  id: number,
  patch: Partial<Omit<RelayRow, 'id' | 'createdAt'>>,
  now = Date.now(),
): RelayRow {
  const row = transition(db, id, undefined, patch, now);
  if (!row) throw new Error(`relay ${id} vanished`);
  return row;
}

/** Moves a relay from one state to another only if it is still in `from`; false if someone got there first. */
export function transitionRelay(
  db: Db,
  id: number,
  from: readonly RelayState[],
  patch: Partial<Omit<RelayRow, 'id' | 'createdAt'>> & { state: RelayState },
  now = Date.now(),
): RelayRow | undefined {
  return transition(db, id, from, patch, now);
}

function transition(
  db: Db,
  id: number,
  from: readonly RelayState[] | undefined,
  patch: Partial<Omit<RelayRow, 'id' | 'createdAt'>>,
  now: number,
): RelayRow | undefined {
  const values = bindable({ ...patch, updatedAt: now });
  const keys = Object.keys(values).sort();
  const stmt = cached(db, `relays.update:${keys.join(',')}:${from?.join(',') ?? '*'}`, () => {
    const byId = eq(relays.id, sql.placeholder('__id'));
    return db
      .update(relays)
      .set(placeholders(keys))
      .where(from ? and(byId, inArray(relays.state, [...from])) : byId)
      .returning()
      .prepare();
  });
  return stmt.get({ ...values, __id: id });
}

function placeholders(keys: string[]): Record<string, ReturnType<typeof sql.placeholder>> {
  return Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)]));
}

/** Finished relays (since `since`) whose outcome the seller has not been shown, oldest first. */
export function unechoedRelays(db: Db, businessId: number, since: number): RelayRow[] {
  return db
    .select()
    .from(relays)
    .where(
      and(
        eq(relays.businessId, businessId),
        inArray(relays.state, ['delivered', 'failed', 'refused', 'uncertain']),
        isNull(relays.echoedAt),
        gte(relays.updatedAt, since),
      ),
    )
    .orderBy(asc(relays.id))
    .all();
}

/** The relays of one Market chat still to go out after relay `afterId`, oldest first. */
export function openRelaysOfChat(db: Db, businessId: number, marketChatId: number, afterId: number): RelayRow[] {
  return db
    .select()
    .from(relays)
    .where(
      and(
        eq(relays.businessId, businessId),
        eq(relays.marketChatId, marketChatId),
        inArray(relays.state, [...OPEN_STATES]),
        sql`${relays.id} > ${afterId}`,
      ),
    )
    .orderBy(asc(relays.id))
    .all();
}

/** One shop's relays that still have to go out, oldest first (the order the seller wrote them). */
export function openRelays(db: Db, businessId: number): RelayRow[] {
  return db
    .select()
    .from(relays)
    .where(and(eq(relays.businessId, businessId), inArray(relays.state, [...OPEN_STATES])))
    .orderBy(asc(relays.id))
    .all();
}

export function countOpenRelays(db: Db, tgChatId?: number): number {
  const where =
    tgChatId === undefined
      ? inArray(relays.state, [...OPEN_STATES])
      : and(inArray(relays.state, [...OPEN_STATES]), eq(relays.tgChatId, tgChatId));
  return db.select({ n: count() }).from(relays).where(where).get()?.n ?? 0;
}

export function recentRelays(db: Db, tgChatId: number, tgThreadId: number | null, limit = 5): RelayRow[] {
  return db
    .select()
    .from(relays)
    .where(
      and(
        eq(relays.tgChatId, tgChatId),
        tgThreadId === null ? isNull(relays.tgThreadId) : eq(relays.tgThreadId, tgThreadId),
      ),
    )
    .orderBy(desc(relays.id))
    .limit(limit)
    .all();
}

/**
 * The newest Market message id the bridge knows for a chat: what the inbound sync recorded (its cursor and its
 * messages) and the ids it matched to relays. Undefined when it knows none. Lagging is safe (the history read after
 * an uncertain attempt then starts earlier); being ahead is impossible, these are ids Market handed out.
 */
export function newestKnownMessageId(db: Db, businessId: number, marketChatId: number): number | undefined {
  // Asked before every send: the statement is built and prepared once (the names come from the schema).
  const stmt = cached(db, 'relays.newestKnown', () => {
    const i = inboundMessages;
    const c = marketChats;
    const r = relays;
    const [ti, tc, tr] = [getTableName(i), getTableName(c), getTableName(r)];
    const text = `select max(n) as n from (
      select max("${i.marketMessageId.name}") as n from "${ti}" where "${i.businessId.name}" = @b and "${i.marketChatId.name}" = @c
      union all select "${c.lastMessageId.name}" from "${tc}" where "${c.businessId.name}" = @b and "${c.marketChatId.name}" = @c
      union all select max("${r.marketMessageId.name}") from "${tr}" where "${r.businessId.name}" = @b and "${r.marketChatId.name}" = @c)`;
    return (db as Db & { $client: Database.Database }).$client.prepare<{ b: number; c: number }, { n: number | null }>(text);
  });
  return stmt.get({ b: businessId, c: marketChatId })?.n ?? undefined;
}

/**
 * What the bridge knows about other relays of this chat that look like `r` (same text, or same file name), for
 * reading a history window that starts at `r.historyFromId`:
 * - `attributed`: Market message ids already matched to another relay (they are not `r`);
 * - `sure`: those that reached Market, whose message id is unknown but must lie in the window (their own attempt
 *   started when the newest known id was at least as new as r's, so their message is newer still);
 * - `maybe`: those that reached Market with an unknown id that may lie before the window or in it.
 * `part` is what is being reconciled: a file row's file (it reached Market once `fileSentAt` is set), or a text
 * (a text row's text, or a file row's caption, which reached Market once its row is delivered).
 */
export function lookalikes(
  db: Db,
  r: Pick<RelayRow, 'id' | 'businessId' | 'marketChatId' | 'text' | 'fileName' | 'historyFromId'>,
  part: 'text' | 'file',
): { attributed: Set<number>; sure: number; maybe: number } {
  const same =
    part === 'file'
      ? and(eq(relays.kind, 'file'), eq(relays.fileName, r.fileName ?? ''), isNotNull(relays.fileSentAt))
      : and(eq(relays.text, r.text ?? ''), eq(relays.state, 'delivered'));
  const others = db
    .select({ id: relays.id, kind: relays.kind, marketMessageId: relays.marketMessageId, historyFromId: relays.historyFromId })
    .from(relays)
    .where(and(eq(relays.businessId, r.businessId), eq(relays.marketChatId, r.marketChatId), same, ne(relays.id, r.id)))
    .all();
  const attributed = new Set<number>();
  let sure = 0;
  let maybe = 0;
  if (others.length === 0) return { attributed, sure, maybe };
  const own = db
    .select({ relayId: inboundMessages.relayId, id: inboundMessages.marketMessageId })
    .from(inboundMessages)
    .where(
      and(
        eq(inboundMessages.businessId, r.businessId),
        eq(inboundMessages.marketChatId, r.marketChatId),
        eq(inboundMessages.state, 'own'),
        part === 'file' ? isNotNull(inboundMessages.files) : isNull(inboundMessages.files),
      ),
    )
    .all();
  const ownBy = new Map<number, number[]>();
  for (const o of own) if (o.relayId !== null) ownBy.set(o.relayId, [...(ownBy.get(o.relayId) ?? []), o.id]);
  for (const q of others) {
    const ids = [...(ownBy.get(q.id) ?? []), ...(part === 'text' && q.kind === 'text' && q.marketMessageId !== null ? [q.marketMessageId] : [])];
    if (ids.length > 0) for (const id of ids) attributed.add(id);
    else if ((q.historyFromId ?? 0) >= (r.historyFromId ?? 0)) sure++;
    else maybe++;
  }
  return { attributed, sure, maybe };
}

/** Marks that the seller was told their edit was not sent; true only the first time. */
export function claimEditNotice(db: Db, id: number): boolean {
  return (
    db
      .update(relays)
      .set({ editNoticeSent: true })
      .where(and(eq(relays.id, id), eq(relays.editNoticeSent, false)))
      .run().changes === 1
  );
}
