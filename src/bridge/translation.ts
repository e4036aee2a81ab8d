/**
 * Translation between buyer and seller (issue 10), the core's part: free of grammY and axios. Switched on per
 * Telegram chat (`/translate zh [auto]`, kept in SQLite); off by default and without TRANSLATE_PROVIDER.
 *
 * - Buyer -> team: before a chat's pending messages are posted, those not posted at all yet are translated into the
 *   team's language in one request (the provider splits only past its own limits), and the result is stored, so a
 *   restart posts exactly the same parts. A message already in the team's language gets no translation; a failed
 *   translation is stored as such and the original is posted with a short note. The original is never replaced.
 * - Team -> buyer: a seller's message detected in the team's language is not relayed as it is. It is translated into
 *   the buyer's language (the language the buyer's own messages were last detected in; Russian before any) and
 *   recorded as a preview, one per seller message (the relay ledger's own key). A decision (send the translation,
 *   send the original, cancel) moves the preview out of `previewed`/`failed` and records the relay in one
 *   transaction, so pressing twice, or after a restart, sends at most once, and what is sent is exactly the stored,
 *   previewed text. Auto mode records the relay at once, with the translation.
 *
 * Decisions where the issue is silent: messages from Market and Market support are translated for the team like
 * the buyer's (a Chinese team cannot read them either), but only the buyer's own set the reply language; a seller
 * message in a third language (neither the team's nor the buyer's) goes as it is; a seller's text that cannot be
 * translated (provider down, quota, key) is never sent by itself: the seller gets "send original" / "cancel".
 */
import type { Logger } from '../logger.js';
import type { Db } from '../db/open.js';
import { addAnchor } from '../db/links.js';
import type { InboundMessageRow } from '../db/inbound.js';
import type { RelayRow } from '../db/relays.js';
import {
  buyerLanguage,
  buyerTranslationsOf,
  clearChatTranslation,
  getChatTranslation,
  getPreview,
  insertBuyerTranslations,
  insertPreview,
  movePreview,
  previewOfMessage,
  setChatTranslation,
  setPreviewMessage,
  type BuyerTranslationRow,
  type TranslationPreviewRow,
} from '../db/translation.js';
import { TranslateError, baseLanguage, type Translator } from '../translate/translator.js';
import type { NewRelay } from './relay.js';
import { checkText, isBlank, sameText } from './text-rules.js';

/** The buyers' language until one of their messages says otherwise (Market's buyers write Russian). */
export const DEFAULT_BUYER_LANGUAGE = 'ru';

/** Longest translation a preview can show whole (Telegram's 4096 characters less room for the line above it). */
const PREVIEW_MAX = 3_900;

export interface TranslationSetting {
  lang: string;
  auto: boolean;
}

/** Why a seller's text has no translation to send: the provider's failure kind, or a translation Market would refuse. */
export type FailureKind = TranslateError['kind'] | 'too_long';

export type SellerVerdict =
  /** Not in the team's language (or translation off here): relay it as it is. */
  | { kind: 'as_is' }
  /** This seller message was handled before (a redelivered update). */
  | { kind: 'seen'; preview: TranslationPreviewRow }
  | { kind: 'preview'; preview: TranslationPreviewRow }
  | { kind: 'failed'; preview: TranslationPreviewRow }
  /** Auto mode: the translation is recorded in the relay ledger already. */
  | { kind: 'auto'; preview: TranslationPreviewRow };

export type Choice = 'translation' | 'original' | 'cancel';

export type ChoiceResult =
  | { outcome: 'sent'; preview: TranslationPreviewRow; relay: RelayRow | undefined }
  | { outcome: 'cancelled'; preview: TranslationPreviewRow }
  /** Decided before (or cancelled, or nothing to send): nothing happens. */
  | { outcome: 'stale'; preview: TranslationPreviewRow | undefined };

/** What the translation core needs of the relay (RelayQueue fits it). */
export interface TranslationRelay {
  submit(input: NewRelay): RelayRow | undefined;
}

export class ChatTranslation {
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      db: Db;
      /** The shop whose Market chats these are (one instance per shop). */
      businessId: number;
      translator: Translator;
      relay: TranslationRelay;
      log: Logger;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
  }

  get provider(): string {
    return this.deps.translator.name;
  }

  // ---- settings ----

  setting(tgChatId: number): TranslationSetting | undefined {
    const row = getChatTranslation(this.deps.db, tgChatId);
    return row ? { lang: row.lang, auto: row.auto } : undefined;
  }

  /** Switches translation on after asking the provider whether it knows `lang`; false when it does not. Throws TranslateError. */
  async switchOn(tgChatId: number, lang: string, auto: boolean, by: number): Promise<boolean> {
    const code = lang.toLowerCase();
    if (!(await this.deps.translator.supports(code))) return false;
    setChatTranslation(this.deps.db, tgChatId, code, auto, by, this.now());
    this.deps.log.info({ tgChatId, lang: code, auto, by }, 'translation switched on');
    return true;
  }

  switchOff(tgChatId: number): boolean {
    const was = clearChatTranslation(this.deps.db, tgChatId);
    if (was) this.deps.log.info({ tgChatId }, 'translation switched off');
    return was;
  }

  // ---- buyer -> team ----

  /**
   * Translates the messages of one Market chat about to be posted in `tgChatId` (one request for all of them) and
   * stores the result. Only messages not started in Telegram yet, so a message is never shown half one way and half
   * the other. Never throws: a failure is stored with the message, which is then posted with a short note.
   */
  async prepareBuyerMessages(tgChatId: number, marketChatId: number, messages: readonly InboundMessageRow[]): Promise<void> {
    const setting = this.setting(tgChatId);
    if (!setting) return;
    const { db, businessId, translator, log } = this.deps;
    try {
      const fresh = messages.filter(
        (m) => m.partsSent === 0 && m.partInFlight === null && m.sender !== 'PARTNER' && m.text !== null && !isBlank(m.text),
      );
      const known = buyerTranslationsOf(db, businessId, marketChatId, fresh.map((m) => m.marketMessageId));
      const todo = fresh.filter((m) => !known.has(m.marketMessageId));
      if (todo.length === 0) return;
      const base = (m: InboundMessageRow) => ({
        businessId,
        marketChatId,
        marketMessageId: m.marketMessageId,
        fromBuyer: m.sender === 'CUSTOMER',
        targetLang: setting.lang,
      });
      let rows: Omit<BuyerTranslationRow, 'createdAt'>[];
      try {
        const out = await translator.translate(todo.map((m) => m.text!), setting.lang);
        rows = todo.map((m, i) => {
          const r = out[i]!;
          const same = baseLanguage(r.detected) === baseLanguage(setting.lang) || sameText(r.text, m.text!);
          return { ...base(m), detectedLang: r.detected, text: same ? null : r.text, failed: null };
        });
      } catch (err) {
        if (!(err instanceof TranslateError)) throw err;
        log.warn({ marketChatId, kind: err.kind, detail: err.detail, messages: todo.length }, 'could not translate buyer messages; posting the originals');
        rows = todo.map((m) => ({ ...base(m), detectedLang: '', text: null, failed: err.kind }));
      }
      insertBuyerTranslations(db, rows, this.now());
    } catch (err) {
      log.error({ marketChatId, err: (err as Error)?.message }, 'translating buyer messages failed');
    }
  }

  /** The stored translation of a buyer message, if one was made (read when its parts are built). */
  buyerTranslation(marketChatId: number, marketMessageId: number): BuyerTranslationRow | undefined {
    return buyerTranslationsOf(this.deps.db, this.deps.businessId, marketChatId, [marketMessageId]).get(marketMessageId);
  }

  // ---- team -> buyer ----

  /** The language replies in this Market chat are translated into. */
  buyerLanguage(marketChatId: number): string {
    return buyerLanguage(this.deps.db, this.deps.businessId, marketChatId) ?? DEFAULT_BUYER_LANGUAGE;
  }

  /**
   * Decides what happens to a seller's text message in a chat with translation on (the caller has checked that it
   * is not relayed yet and passes every other rule). Throws only on a database error.
   */
  async considerSeller(draft: NewRelay & { text: string }, setting: TranslationSetting): Promise<SellerVerdict> {
    const { db, translator, log } = this.deps;
    const seen = previewOfMessage(db, draft.tgChatId, draft.tgMessageId);
    if (seen) return { kind: 'seen', preview: seen };
    const to = this.buyerLanguage(draft.marketChatId);
    if (baseLanguage(to) === baseLanguage(setting.lang)) return { kind: 'as_is' };
    const row = {
      businessId: this.deps.businessId,
      tgChatId: draft.tgChatId,
      tgMessageId: draft.tgMessageId,
      tgThreadId: draft.tgThreadId,
      tgUserId: draft.tgUserId,
      marketChatId: draft.marketChatId,
      original: draft.text,
      targetLang: to,
      sent: null,
    };
    let failure: { kind: FailureKind; detail: string } | undefined;
    let translated: { text: string; detected: string } | undefined;
    try {
      [translated] = await translator.translate([draft.text], to);
      if (!translated) throw new TranslateError('unavailable', 'no translation');
    } catch (err) {
      if (!(err instanceof TranslateError)) throw err;
      failure = { kind: err.kind, detail: err.detail };
    }
    if (translated && baseLanguage(translated.detected) !== baseLanguage(setting.lang)) return { kind: 'as_is' };
    if (translated) {
      // The team sees exactly what would be sent, in one Telegram message with a line above it: it must fit there too.
      const verdict = checkText(translated.text);
      if (!verdict.ok) failure = { kind: 'too_long', detail: verdict.reason === 'too_long' ? `${verdict.length} > ${verdict.max}` : 'empty' };
      else if (translated.text.length > PREVIEW_MAX) failure = { kind: 'too_long', detail: `${translated.text.length} > ${PREVIEW_MAX}` };
    }
    if (failure || !translated) {
      log.warn({ tgChatId: draft.tgChatId, tgMessageId: draft.tgMessageId, ...failure }, 'seller message not translated; asking the seller');
      const preview = insertPreview(
        db,
        { ...row, translation: null, sourceLang: null, state: 'failed', error: failure ? `${failure.kind}|${failure.detail}` : null },
        this.now(),
      );
      return preview ? { kind: 'failed', preview } : { kind: 'seen', preview: previewOfMessage(db, draft.tgChatId, draft.tgMessageId)! };
    }
    const base = { ...row, translation: translated.text, sourceLang: translated.detected, error: null };
    if (setting.auto) {
      const preview = db.transaction(() => {
        const p = insertPreview(db, { ...base, state: 'sent', sent: 'translation' }, this.now());
        if (p) this.record(p, translated.text);
        return p;
      });
      if (preview) log.info({ preview: preview.id, to }, 'seller message translated and sent (auto)');
      return preview ? { kind: 'auto', preview } : { kind: 'seen', preview: previewOfMessage(db, draft.tgChatId, draft.tgMessageId)! };
    }
    const preview = insertPreview(db, { ...base, state: 'previewed' }, this.now());
    if (preview) log.info({ preview: preview.id, to }, 'seller message translated; waiting for the seller to decide');
    return preview ? { kind: 'preview', preview } : { kind: 'seen', preview: previewOfMessage(db, draft.tgChatId, draft.tgMessageId)! };
  }

  /** A team member pressed a button on a preview. At most one press of any preview ever sends. */
  choose(id: number, choice: Choice, by: number): ChoiceResult {
    const { db, log } = this.deps;
    const result = db.transaction((): ChoiceResult => {
      const current = getPreview(db, id);
      if (!current) return { outcome: 'stale', preview: undefined };
      if (choice === 'cancel') {
        const moved = movePreview(db, id, ['previewed', 'failed'], { state: 'cancelled' }, this.now());
        return moved ? { outcome: 'cancelled', preview: moved } : { outcome: 'stale', preview: current };
      }
      const text = choice === 'translation' ? current.translation : current.original;
      if (text === null) return { outcome: 'stale', preview: current };
      const moved = movePreview(db, id, ['previewed', 'failed'], { state: 'sent', sent: choice }, this.now());
      if (!moved) return { outcome: 'stale', preview: current };
      return { outcome: 'sent', preview: moved, relay: this.record(moved, text) };
    });
    if (result.outcome !== 'stale') log.info({ preview: id, choice, by }, 'seller decided on a translation preview');
    return result;
  }

  /** The bot's preview (or auto note) was posted: a redelivered update does not post it again. */
  previewShown(id: number, messageId: number): void {
    setPreviewMessage(this.deps.db, id, messageId, this.now());
  }

  /** Records the relay of `text` for the seller's message, with the anchor that lets replies to it continue. */
  private record(p: TranslationPreviewRow, text: string): RelayRow | undefined {
    const relay = this.deps.relay.submit({
      tgChatId: p.tgChatId,
      tgMessageId: p.tgMessageId,
      tgThreadId: p.tgThreadId,
      tgUserId: p.tgUserId,
      marketChatId: p.marketChatId,
      text,
    });
    if (relay) addAnchor(this.deps.db, { tgChatId: p.tgChatId, tgMessageId: p.tgMessageId, businessId: this.deps.businessId, marketChatId: p.marketChatId, kind: 'seller' }, this.now());
    return relay;
  }
}
