/**
 * The package's own folders, found from this file. It sits one level below the package root in every form the
 * bridge runs in: src/paths.ts (tsx, vitest), dist/paths.js (tsc output) and dist/main.js (the bundle `npm run build`
 * makes, where every module shares main.js's import.meta.url). So nothing below src/ may resolve these itself.
 */
import { fileURLToPath } from 'node:url';

/** The committed drizzle-kit migrations. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
/** The Fluent files, one set per language. */
export const LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));
