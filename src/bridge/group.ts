/**
 * The team group's current Telegram id. Turning on Topics (or other settings) upgrades a basic group to a
 * supergroup with a NEW id; Telegram then refuses every call to the old one (400 "group chat was upgraded to a
 * supergroup chat", parameters.migrate_to_chat_id). TELEGRAM_CHAT_ID still names the old id, so the move is kept
 * in the kv table (it survives restarts) and everything that posts to the group asks `current()`.
 *
 * What follows the group: everything posted from now on (buyer messages still waiting to be posted go to
 * `current()` when their turn comes, and the inbound sync gives each chat a home there). What does not: topic links
 * and reply anchors of the old id. A supergroup numbers its messages (and so its topics) afresh, so an old message
 * or thread id names a different message there: moving them would send a reply to some new message to an old
 * buyer. (A basic group has no topics, so no topic link is lost; the team is told that old messages can no
 * longer be replied to.)
 */
import { getKv, setKv } from '../db/kv.js';
import type { Db } from '../db/open.js';

const KEY = (from: number) => `telegram.migratedTo.${from}`;

export interface Migration {
  from: number;
  to: number;
}

export class GroupChatId {
  constructor(
    private readonly db: Db,
    /** TELEGRAM_CHAT_ID as configured; undefined when buyer chats are not brought in. */
    readonly configured: number | undefined,
  ) {}

  /** Where a Telegram chat lives now: its id after every recorded upgrade (a supergroup is not upgraded again). */
  resolve(tgChatId: number): number {
    let id = tgChatId;
    for (let hops = 0; hops < 4; hops++) {
      const next = getKv(this.db, KEY(id));
      if (next === undefined) break;
      id = Number(next);
    }
    return id;
  }

  /** The team group's id now (TELEGRAM_CHAT_ID followed through upgrades). */
  current(): number | undefined {
    return this.configured === undefined ? undefined : this.resolve(this.configured);
  }

  /** Whether `tgChatId` is, or was, the team group. */
  isGroup(tgChatId: number): boolean {
    return this.configured !== undefined && (tgChatId === this.configured || tgChatId === this.current());
  }

  /** A move recorded for the configured group that TELEGRAM_CHAT_ID does not show yet. */
  pendingConfigChange(): Migration | undefined {
    const now = this.current();
    return this.configured !== undefined && now !== undefined && now !== this.configured
      ? { from: this.configured, to: now }
      : undefined;
  }

  /**
   * Records that `from` became `to`. Returns false when this move was known already (both service messages and
   * every refused send report it), so the team is told once.
   */
  migrate(from: number, to: number, now = Date.now()): boolean {
    if (from === to || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return false;
    return this.db.transaction(() => {
      if (getKv(this.db, KEY(from)) === String(to)) return false;
      setKv(this.db, KEY(from), String(to), now);
      return true;
    });
  }
}
