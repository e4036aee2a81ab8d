/** What may be sent to a buyer as text, decided before any request so Market never sees a message it would refuse. */
import { MESSAGE_MAX_LENGTH } from '../limits.js';
export { sameText } from '../text-compare.js';

export type TextVerdict =
  | { ok: true }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'too_long'; length: number; max: number };

/**
 * Checks a seller's text against SendMessageToChatRequest (1..4096 characters). Length is counted in UTF-16 code
 * units, as Telegram and Market's Java backend count it; that is never less than the code-point count the JSON
 * Schema uses, so a text that passes here passes both.
 */
export function checkText(text: string): TextVerdict {
  if (isBlank(text)) return { ok: false, reason: 'empty' };
  if (text.length > MESSAGE_MAX_LENGTH) return { ok: false, reason: 'too_long', length: text.length, max: MESSAGE_MAX_LENGTH };
  return { ok: true };
}

/**
 * Blank to a reader: whitespace, and characters that render as nothing (format characters such as zero-width
 * spaces and joiners, the Braille blank and the Hangul fillers people use to fake an empty message).
 */
export function isBlank(text: string): boolean {
  return text.replace(/[\p{Cf}\u2800\u3164\u115F\u1160\uFFA0]/gu, '').trim() === '';
}

/** Team-internal notes start with `//` and never leave Telegram. */
export function isInternalNote(text: string): boolean {
  return text.trimStart().startsWith('//');
}
