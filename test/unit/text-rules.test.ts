/**
 * What may be sent to a buyer as text. Properties over any Unicode (RTL, bidi controls, zero-width characters,
 * surrogate pairs, combining marks, emoji sequences) around the 4096 boundary: a text is accepted exactly when its
 * UTF-16 length (Telegram's and Market's count) is at most 4096 and it is not blank, and every accepted text also
 * passes the official spec's schema for sendMessageToChat (whose maxLength counts code points).
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkText, isInternalNote, sameText } from '../../src/bridge/text-rules.js';

const spec = parseYaml(readFileSync(new URL('../../spec/partner-api-communication.bundled.yaml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, object> };
};
const requestSchema = spec.components.schemas.SendMessageToChatRequest!;
/** ajv counts string length in code points, as JSON Schema says. */
const validRequest = new Ajv({ strict: false }).compile(requestSchema);

const WHITESPACE = [' ', '\n', '\t', '\r', '\u00a0', '\u2003', '\u3000', '\u2028'];
const PIECES = [
  'a', 'Z', '7', '.', 'я', 'Ж', // Latin, digits, Cyrillic
  'ש', 'ם', 'ع', 'ب', 'ی', // Hebrew and Arabic (RTL)
  '\u200e', '\u200f', '\u202e', '\u2066', '\u2069', // bidi marks and isolates
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', // zero-width characters
  '😀', '👍🏽', '👨‍👩‍👧', '𝔸', '🇷🇺', // surrogate pairs, modifiers, ZWJ sequences, flags
  'e\u0301', '\u0301', // combining marks
  ...WHITESPACE,
];

const piece = fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }));
const shortText = fc.array(piece, { maxLength: 40 }).map((a) => a.join(''));
/** Texts whose UTF-16 length lands anywhere in 4060..4130, with arbitrary pieces at both ends. */
const nearBoundary = fc
  .record({
    head: fc.array(piece, { maxLength: 20 }),
    tail: fc.array(piece, { maxLength: 20 }),
    filler: fc.constantFrom('x', 'я', 'ש', '😀', '👨‍👩‍👧', ' ', '\u200b', '\n', 'e\u0301'),
    target: fc.integer({ min: 4060, max: 4130 }),
  })
  .map(({ head, tail, filler, target }) => {
    const h = head.join('');
    const t = tail.join('');
    const n = Math.max(0, Math.floor((target - h.length - t.length) / filler.length));
    return h + filler.repeat(n) + t;
  });
const anyText = fc.oneof(shortText, nearBoundary, fc.string({ unit: 'binary', maxLength: 20 }));
const blankText = fc.array(fc.constantFrom(...WHITESPACE), { maxLength: 30 }).map((a) => a.join(''));

// The oracle, written independently of src: nothing but whitespace and characters that render as nothing.
const isBlank = (s: string) => /^[\s\p{Cf}\u2800\u3164\u115F\u1160\uFFA0]*$/u.test(s);
const codePoints = (s: string) => [...s].length;

describe('checkText', () => {
  it('accepts a text iff its UTF-16 length is at most 4096 and it is not blank', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(checkText(s).ok).toBe(s.length <= 4096 && !isBlank(s));
      }),
      { numRuns: 400 },
    );
  });

  it('every accepted text satisfies the spec’s SendMessageToChatRequest schema (1..4096 code points)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        if (!checkText(s).ok) return;
        expect(codePoints(s)).toBeGreaterThanOrEqual(1);
        expect(codePoints(s)).toBeLessThanOrEqual(4096);
        expect(validRequest({ message: s }), JSON.stringify(validRequest.errors)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a refusal for length names the UTF-16 length and the maximum', () => {
    fc.assert(
      fc.property(nearBoundary, (s) => {
        const v = checkText(s);
        if (s.length > 4096 && !isBlank(s)) expect(v).toEqual({ ok: false, reason: 'too_long', length: s.length, max: 4096 });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses whitespace-only text, whatever the whitespace, as empty', () => {
    fc.assert(
      fc.property(blankText, (s) => {
        expect(checkText(s)).toEqual({ ok: false, reason: 'empty' });
      }),
    );
  });

  it('the exact boundary: 4096 UTF-16 units are accepted (also as 2048 surrogate pairs), 4097 are not', () => {
    expect(checkText('x'.repeat(4096)).ok).toBe(true);
    expect(checkText('😀'.repeat(2048)).ok).toBe(true);
    expect(checkText('x'.repeat(4097))).toEqual({ ok: false, reason: 'too_long', length: 4097, max: 4096 });
    expect(checkText(`${'😀'.repeat(2048)}x`)).toEqual({ ok: false, reason: 'too_long', length: 4097, max: 4096 });
    // 4097 UTF-16 units are only 2049 code points: the spec alone would let it through; Telegram and Market count units.
    expect(validRequest({ message: `${'😀'.repeat(2048)}x` })).toBe(true);
    expect(checkText('')).toEqual({ ok: false, reason: 'empty' });
  });

  // String.prototype.trim() does not treat U+200B, U+200C, U+200D, U+2060 or U+2800 as whitespace, yet a message
  // made only of them looks blank to the buyer.
  it('refuses text made only of invisible characters (zero-width space, joiners, word joiner) as empty', () => {
    for (const s of ['\u200b', '\u200b\u200c\u200d', ' \u2060 ', '\u200f\u200e']) {
      expect(checkText(s), JSON.stringify(s)).toEqual({ ok: false, reason: 'empty' });
    }
  });
});

describe('isInternalNote', () => {
  it('a text that starts with // (after any leading whitespace) is a note; nothing else is', () => {
    fc.assert(
      fc.property(blankText, fc.string(), (lead, rest) => {
        expect(isInternalNote(`${lead}//${rest}`)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(anyText, (s) => {
        expect(isInternalNote(s)).toBe(s.trimStart().startsWith('//'));
      }),
    );
    expect(isInternalNote('see https://example.com')).toBe(false);
    expect(isInternalNote('/ / not a note')).toBe(false);
  });
});

describe('sameText', () => {
  it('ignores line-ending style and surrounding whitespace, and nothing else', () => {
    fc.assert(
      fc.property(shortText, (s) => {
        expect(sameText(s.replace(/\r?\n/g, '\r\n'), s.replace(/\r\n/g, '\n'))).toBe(true);
        expect(sameText(`  ${s}\n`, s)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(shortText, shortText, (a, b) => {
        const norm = (s: string) => s.replace(/\r\n?/g, '\n').trim();
        expect(sameText(a, b)).toBe(norm(a) === norm(b));
      }),
    );
  });
});
