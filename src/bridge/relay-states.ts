/**
 * The relay's life cycle in one table: every state change a relay row can make, by event. The relay queue moves a
 * row only through `moveRelay`, which applies the change only if the row is still in one of the event's `from`
 * states (a compare-and-set in SQLite), so two paths can never both settle one message.
 *
 *   pending --attempt--> sending --accepted/found--> delivered
 *      ^                   |  |--fileAccepted/fileFound--> pending (file took; its caption is next, fileSentAt set)
 *      |                   |  |--deferred (Market refused before acting: 420, quota, 423, no connection)--> pending
 *      |                   |  |--unanswered (5xx, timeout, reset: may have arrived)--> sending (checked later)
 *      |                   |  |--attempt (the history showed the last one did not arrive)--> sending
 *      |                   |  |--refused (400)--> refused      --failed (401/403/404, tries used up)--> failed
 *      |                   |  `--unknown (the history cannot tell)--> uncertain
 *      `----resend---- uncertain --cancel--> cancelled
 *
 * "File sent, caption pending" is not a state of its own: it is `fileSentAt` on a pending/sending file row, so the
 * caption has the whole life cycle (waits, checks, retries) without a second copy of every state.
 */
import type { Db } from '../db/open.js';
import { transitionRelay, type RelayRow, type RelayState } from '../db/relays.js';

export const RELAY_TRANSITIONS = {
  /** A request goes out (first try, or again after the history showed the last one did not arrive). */
  attempt: { from: ['pending', 'sending'], to: 'sending' },
  /** Market answered 2xx (also with an unreadable body: a 2xx means it acted). */
  accepted: { from: ['sending'], to: 'delivered' },
  /** The history shows the message arrived. */
  found: { from: ['sending'], to: 'delivered' },
  /** A file row's file took (answered, or found in the history); its caption goes next with fresh attempts. */
  fileAccepted: { from: ['sending'], to: 'pending' },
  /** Market refused before acting (420, quota, 423) or the connection was never made: safe to send later. */
  deferred: { from: ['sending'], to: 'pending' },
  /** 5xx, timeout, reset: it may have arrived; stays `sending` until the history can tell. */
  unanswered: { from: ['sending'], to: 'sending' },
  /** Market refused the content (400). */
  refused: { from: ['sending'], to: 'refused' },
  /** Not delivered: the key, the scope or the chat is wrong, or the tries are used up. */
  failed: { from: ['sending'], to: 'failed' },
  /** The history cannot tell whether it arrived: the seller decides. */
  unknown: { from: ['sending'], to: 'uncertain' },
  /** The seller pressed "Send again". */
  resend: { from: ['uncertain'], to: 'pending' },
  /** The seller pressed "Don't send". */
  cancel: { from: ['uncertain'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly RelayState[]; to: RelayState }>;

export type RelayEvent = keyof typeof RELAY_TRANSITIONS;

/** Moves relay `id` by `event`; undefined when it is no longer in a state the event applies to. */
export function moveRelay(
  db: Db,
  id: number,
  event: RelayEvent,
  patch: Partial<Omit<RelayRow, 'id' | 'createdAt' | 'state'>> = {},
  now = Date.now(),
): RelayRow | undefined {
  const t = RELAY_TRANSITIONS[event];
  return transitionRelay(db, id, t.from, { ...patch, state: t.to }, now);
}
