/**
 * The shop's answer templates (issue 11), one instance per shop: saved from a message's text, filled for one Market
 * chat ({buyer}, {order}, {shop}, {date}), previewed, and on Send handed to the relay like a typed reply. The fill
 * is kept with the preview, so what Send relays is exactly what the team saw; the preview's single move out of
 * `previewed` and the ledger row are one transaction, so a double press, a redelivered press or a press after a
 * restart sends at most once.
 */
import type { Db } from '../db/open.js';
import { getMarketChat } from '../db/inbound.js';
import { addAnchor } from '../db/links.js';
import type { RelayRow } from '../db/relays.js';
import {
  decideTemplatePreview,
  deleteTemplate,
  getTemplate,
  getTemplatePreview,
  insertTemplatePreview,
  listTemplates,
  saveTemplate,
  setTemplatePreviewMessage,
  type TemplatePreviewRow,
  type TemplateRow,
} from '../db/templates.js';
import type { Logger } from '../logger.js';
import type { NewRelay } from './relay.js';
import { checkText } from './text-rules.js';
import { wallClock } from '../util/time-zone.js';

export type { TemplatePreviewRow, TemplateRow };

/** What the templates need from the relay (RelayQueue fits it). */
export interface TemplateRelay {
  submit(input: NewRelay): RelayRow | undefined;
}

export interface ShopTemplatesDeps {
  db: Db;
  log: Logger;
  relay: TemplateRelay;
  businessId: number;
  /** The shop's name for {shop}; undefined: {shop} has no value (the lead passes the shop's name at merge). */
  shopName?: string | undefined;
  /** IANA zone of {date} (BOT_TIMEZONE at merge). */
  timeZone?: string;
  /** {date} as the chat reads dates; default dd.mm.yyyy. */
  formatDate?: (ms: number, timeZone: string) => string;
  now?: () => number;
}

/** A template's name: letters, digits, `_` and `-`, up to 32 characters (it goes on a button). */
export const TEMPLATE_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;
export const VARIABLES = ['buyer', 'order', 'shop', 'date'] as const;
/**
 * Longest template, before and after filling: Market takes 4096 characters, and the preview (a header, the text and
 * a line under it) must fit in one Telegram message of 4096.
 */
export const TEMPLATE_TEXT_MAX = 3500;
const PLACEHOLDER = /\{([^{}\s]{1,40})\}/g;

export type SaveResult = { ok: true; replaced: boolean; name: string } | { ok: false; why: 'name' | 'empty' | 'too_long' | 'variable'; detail?: string };

export type Choice = 'send' | 'cancel';
export type ChoiceResult =
  | { outcome: 'sent'; preview: TemplatePreviewRow; relay: RelayRow | undefined }
  | { outcome: 'cancelled'; preview: TemplatePreviewRow }
  | { outcome: 'blocked'; preview: TemplatePreviewRow }
  | { outcome: 'stale' };

export function defaultDate(ms: number, timeZone: string): string {
  const c = wallClock(ms, timeZone);
  return `${String(c.day).padStart(2, '0')}.${String(c.month).padStart(2, '0')}.${c.year}`;
}

export class ShopTemplates {
  private readonly now: () => number;
  constructor(private readonly deps: ShopTemplatesDeps) {
    this.now = deps.now ?? Date.now;
  }

  get businessId(): number {
    return this.deps.businessId;
  }

  save(rawName: string, text: string, by: number): SaveResult {
    const name = rawName.trim().toLowerCase();
    if (!TEMPLATE_NAME.test(name)) return { ok: false, why: 'name' };
    const verdict = checkText(text);
    if (!verdict.ok) return { ok: false, why: verdict.reason };
    if (text.length > TEMPLATE_TEXT_MAX) return { ok: false, why: 'too_long' };
    const unknown = unknownVariables(text);
    if (unknown.length > 0) return { ok: false, why: 'variable', detail: unknown.map((v) => `{${v}}`).join(', ') };
    const replaced = saveTemplate(this.deps.db, this.deps.businessId, name, text, by, this.now());
    this.deps.log.info({ businessId: this.deps.businessId, name, by, replaced }, 'template saved');
    return { ok: true, replaced, name };
  }

  remove(rawName: string, by: number): boolean {
    const name = rawName.trim().toLowerCase();
    const removed = deleteTemplate(this.deps.db, this.deps.businessId, name);
    if (removed) this.deps.log.info({ businessId: this.deps.businessId, name, by }, 'template deleted');
    return removed;
  }

  list(): TemplateRow[] {
    return listTemplates(this.deps.db, this.deps.businessId);
  }

  /**
   * Fills template `id` for a Market chat and records the preview; undefined when the template is gone. A value the
   * chat lacks stays as its placeholder and is listed in `missing`.
   */
  propose(id: number, where: { tgChatId: number; tgThreadId: number | null; marketChatId: number }, by: number): TemplatePreviewRow | undefined {
    const tpl = getTemplate(this.deps.db, this.deps.businessId, id);
    if (!tpl) return undefined;
    const values = this.valuesFor(where.marketChatId);
    const missing: string[] = [];
    const text = tpl.text.replace(PLACEHOLDER, (whole, name: string) => {
      const key = name.toLowerCase();
      const value = (values as Record<string, string | undefined>)[key];
      if (value === undefined || value === '') {
        if (!missing.includes(key)) missing.push(key);
        return whole;
      }
      return value;
    });
    // Filled, it may pass Market's length limit: refused like a variable without a value.
    if (text.length > TEMPLATE_TEXT_MAX) missing.push('length');
    return insertTemplatePreview(
      this.deps.db,
      {
        businessId: this.deps.businessId,
        templateName: tpl.name,
        tgChatId: where.tgChatId,
        tgThreadId: where.tgThreadId,
        marketChatId: where.marketChatId,
        text,
        missing: missing.length > 0 ? missing.join(',') : null,
        requestedBy: by,
      },
      this.now(),
    );
  }

  previewShown(id: number, messageId: number): void {
    setTemplatePreviewMessage(this.deps.db, id, messageId, this.now());
  }

  get(id: number): TemplatePreviewRow | undefined {
    return getTemplatePreview(this.deps.db, this.deps.businessId, id);
  }

  /**
   * Send or Cancel on preview `id`, pressed on message `messageId` (the preview itself; it keys the relay ledger,
   * so the 👍 lands on it). Only the first decision counts.
   */
  choose(id: number, choice: Choice, by: number, messageId: number): ChoiceResult {
    const { db, log } = this.deps;
    const result = db.transaction((): ChoiceResult => {
      const current = getTemplatePreview(db, this.deps.businessId, id);
      if (!current || current.state !== 'previewed') return { outcome: 'stale' };
      if (current.previewMessageId !== null && current.previewMessageId !== messageId) return { outcome: 'stale' };
      if (choice === 'send' && current.missing !== null) return { outcome: 'blocked', preview: current };
      const moved = decideTemplatePreview(db, id, choice === 'send' ? 'sent' : 'cancelled', by, messageId, this.now());
      if (!moved) return { outcome: 'stale' };
      if (choice === 'cancel') return { outcome: 'cancelled', preview: moved };
      const relay = this.deps.relay.submit({
        tgChatId: moved.tgChatId,
        tgMessageId: messageId,
        tgThreadId: moved.tgThreadId,
        tgUserId: by,
        marketChatId: moved.marketChatId,
        text: moved.text,
      });
      if (relay) addAnchor(db, { tgChatId: moved.tgChatId, tgMessageId: messageId, businessId: this.deps.businessId, marketChatId: moved.marketChatId, kind: 'seller' }, this.now());
      return { outcome: 'sent', preview: moved, relay };
    });
    if (result.outcome !== 'stale') log.info({ preview: id, choice, by, outcome: result.outcome }, 'template preview decided');
    return result;
  }

  private valuesFor(marketChatId: number): Record<(typeof VARIABLES)[number], string | undefined> {
    const chat = getMarketChat(this.deps.db, this.deps.businessId, marketChatId);
    const zone = this.deps.timeZone ?? 'Europe/Moscow';
    return {
      buyer: chat?.customerName ?? undefined,
      order: chat?.orderId != null ? String(chat.orderId) : undefined,
      shop: this.deps.shopName || undefined,
      date: (this.deps.formatDate ?? defaultDate)(this.now(), zone),
    };
  }
}

/** Placeholders in a template that are not one of VARIABLES (a typo would otherwise reach the buyer). */
export function unknownVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1]!.toLowerCase();
    if (!(VARIABLES as readonly string[]).includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}
