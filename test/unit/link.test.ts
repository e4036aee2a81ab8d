/** parseChatId: what `/link <chat id>` accepts as a Market chat id (a positive int64 that is safe in JS). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChatId } from '../../src/telegram/features/link.js';

describe('parseChatId', () => {
  it('reads back every positive safe integer, with or without surrounding whitespace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('', ' ', '\t', '\n', '  '), (n, pad) => {
        expect(parseChatId(`${pad}${n}${pad}`)).toBe(n);
      }),
    );
  });

  it('refuses zero, negatives, fractions, exponents, signs, hex, and numbers beyond 2^53', () => {
    for (const s of ['0', '-5', '-0', '+5', '1.5', '1e3', '0x10', '1_000', '1 000', '١٢٣', '１２３', '', ' ', 'abc', '12abc', 'NaN', 'Infinity']) {
      expect(parseChatId(s), JSON.stringify(s)).toBeUndefined();
    }
    expect(parseChatId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseChatId('9007199254740992')).toBeUndefined();
    expect(parseChatId('99999999999999999999')).toBeUndefined();
  });

  it('for any string, the result is either undefined or a positive safe integer written by the string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s?-?[0-9]{0,22}(\.[0-9])?\s?$/)), (s) => {
        const n = parseChatId(s);
        if (n === undefined) {
          // Nothing that is a positive safe integer in plain digits is refused.
          const t = s.trim();
          if (/^[0-9]+$/.test(t) && t.length <= 16 && Number(t) >= 1 && Number.isSafeInteger(Number(t))) {
            expect.fail(`refused the valid id ${JSON.stringify(s)}`);
          }
          return;
        }
        expect(Number.isSafeInteger(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(BigInt(s.trim())).toBe(BigInt(n)); // exactly the number written, no rounding
      }),
      { numRuns: 500 },
    );
  });
});
