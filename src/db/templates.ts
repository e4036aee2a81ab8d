/** The shop's answer templates and their previews (see schema.ts). */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './open.js';
import { templatePreviews, templates, type TemplatePreviewRow, type TemplatePreviewState, type TemplateRow } from './schema.js';

export type { TemplatePreviewRow, TemplatePreviewState, TemplateRow };

/** Saves (or replaces) a template; true when it replaced one of the same name. */
export function saveTemplate(db: Db, businessId: number, name: string, text: string, by: number, now = Date.now()): boolean {
  return db.transaction(() => {
    const existed = getTemplateByName(db, businessId, name) !== undefined;
    db.insert(templates)
      .values({ businessId, name, text, createdBy: by, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: [templates.businessId, templates.name], set: { text, createdBy: by, updatedAt: now } })
      .run();
    return existed;
  });
}

export function deleteTemplate(db: Db, businessId: number, name: string): boolean {
  return db.delete(templates).where(and(eq(templates.businessId, businessId), eq(templates.name, name))).run().changes > 0;
}

export function listTemplates(db: Db, businessId: number): TemplateRow[] {
  return db.select().from(templates).where(eq(templates.businessId, businessId)).orderBy(asc(templates.name)).all();
}

export function getTemplate(db: Db, businessId: number, id: number): TemplateRow | undefined {
  return db.select().from(templates).where(and(eq(templates.businessId, businessId), eq(templates.id, id))).get();
}

function getTemplateByName(db: Db, businessId: number, name: string): TemplateRow | undefined {
  return db.select().from(templates).where(and(eq(templates.businessId, businessId), eq(templates.name, name))).get();
}

export function insertTemplatePreview(
  db: Db,
  row: Omit<TemplatePreviewRow, 'id' | 'state' | 'previewMessageId' | 'decidedBy' | 'createdAt' | 'updatedAt'>,
  now = Date.now(),
): TemplatePreviewRow {
  return db
    .insert(templatePreviews)
    .values({ ...row, state: 'previewed', createdAt: now, updatedAt: now })
    .returning()
    .get();
}

export function getTemplatePreview(db: Db, businessId: number, id: number): TemplatePreviewRow | undefined {
  return db
    .select()
    .from(templatePreviews)
    .where(and(eq(templatePreviews.businessId, businessId), eq(templatePreviews.id, id)))
    .get();
}

export function setTemplatePreviewMessage(db: Db, id: number, previewMessageId: number, now = Date.now()): void {
  db.update(templatePreviews).set({ previewMessageId, updatedAt: now }).where(eq(templatePreviews.id, id)).run();
}

/** Moves a preview out of `previewed` only if it is still there: the one guard against a second press. */
export function decideTemplatePreview(
  db: Db,
  id: number,
  state: Exclude<TemplatePreviewState, 'previewed'>,
  by: number,
  previewMessageId: number,
  now = Date.now(),
): TemplatePreviewRow | undefined {
  return db
    .update(templatePreviews)
    .set({ state, decidedBy: by, previewMessageId, updatedAt: now })
    .where(and(eq(templatePreviews.id, id), eq(templatePreviews.state, 'previewed')))
    .returning()
    .get();
}
