/** Translation settings per chat, seller previews and buyer translations (see schema.ts). */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from './open.js';
import {
  buyerTranslations,
  chatTranslation,
  translationPreviews,
  type BuyerTranslationRow,
  type ChatTranslationRow,
  type PreviewState,
  type TranslationPreviewRow,
} from './schema.js';

export type { BuyerTranslationRow, ChatTranslationRow, PreviewState, TranslationPreviewRow };

export function getChatTranslation(db: Db, tgChatId: number): ChatTranslationRow | undefined {
  return db.select().from(chatTranslation).where(eq(chatTranslation.tgChatId, tgChatId)).get();
}

export function setChatTranslation(db: Db, tgChatId: number, lang: string, auto: boolean, setBy: number, now = Date.now()): void {
  db.insert(chatTranslation)
    .values({ tgChatId, lang, auto, setBy, updatedAt: now })
    .onConflictDoUpdate({ target: chatTranslation.tgChatId, set: { lang, auto, setBy, updatedAt: now } })
    .run();
}

export function clearChatTranslation(db: Db, tgChatId: number): boolean {
  return db.delete(chatTranslation).where(eq(chatTranslation.tgChatId, tgChatId)).run().changes > 0;
}

export function previewOfMessage(db: Db, tgChatId: number, tgMessageId: number): TranslationPreviewRow | undefined {
  return db
    .select()
    .from(translationPreviews)
    .where(and(eq(translationPreviews.tgChatId, tgChatId), eq(translationPreviews.tgMessageId, tgMessageId)))
    .get();
}

export function getPreview(db: Db, id: number): TranslationPreviewRow | undefined {
  return db.select().from(translationPreviews).where(eq(translationPreviews.id, id)).get();
}

/** Records a preview; undefined when this seller message has one already (a redelivered update). */
export function insertPreview(
  db: Db,
  row: Omit<TranslationPreviewRow, 'id' | 'createdAt' | 'updatedAt' | 'previewMessageId'>,
  now = Date.now(),
): TranslationPreviewRow | undefined {
  return db
    .insert(translationPreviews)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: [translationPreviews.tgChatId, translationPreviews.tgMessageId] })
    .returning()
    .get();
}

/** Moves a preview out of one of `from` only if it is still there: the one guard against a second press. */
export function movePreview(
  db: Db,
  id: number,
  from: readonly PreviewState[],
  patch: Partial<Pick<TranslationPreviewRow, 'state' | 'sent'>>,
  now = Date.now(),
): TranslationPreviewRow | undefined {
  return db
    .update(translationPreviews)
    .set({ ...patch, updatedAt: now })
    .where(and(eq(translationPreviews.id, id), inArray(translationPreviews.state, [...from])))
    .returning()
    .get();
}

export function setPreviewMessage(db: Db, id: number, previewMessageId: number, now = Date.now()): void {
  db.update(translationPreviews).set({ previewMessageId, updatedAt: now }).where(eq(translationPreviews.id, id)).run();
}

export function buyerTranslationsOf(db: Db, businessId: number, marketChatId: number, ids: readonly number[]): Map<number, BuyerTranslationRow> {
  if (ids.length === 0) return new Map();
  const rows = db
    .select()
    .from(buyerTranslations)
    .where(
      and(
        eq(buyerTranslations.businessId, businessId),
        eq(buyerTranslations.marketChatId, marketChatId),
        inArray(buyerTranslations.marketMessageId, [...ids]),
      ),
    )
    .all();
  return new Map(rows.map((r) => [r.marketMessageId, r]));
}

export function insertBuyerTranslations(db: Db, rows: Omit<BuyerTranslationRow, 'createdAt'>[], now = Date.now()): void {
  if (rows.length === 0) return;
  db.insert(buyerTranslations)
    .values(rows.map((r) => ({ ...r, createdAt: now })))
    .onConflictDoNothing()
    .run();
}

/** The language the buyer's own messages in this chat were last detected in, if any was. */
export function buyerLanguage(db: Db, businessId: number, marketChatId: number): string | undefined {
  const row = db
    .select({ lang: buyerTranslations.detectedLang })
    .from(buyerTranslations)
    .where(
      and(
        eq(buyerTranslations.businessId, businessId),
        eq(buyerTranslations.marketChatId, marketChatId),
        eq(buyerTranslations.fromBuyer, true),
        ne(buyerTranslations.detectedLang, ''),
      ),
    )
    .orderBy(desc(buyerTranslations.marketMessageId))
    .limit(1)
    .get();
  return row?.lang;
}
