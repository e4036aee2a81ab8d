/**
 * The set-up texts (issue 9) exist in Fluent for en, ru and zh: every key of that block of the `en` table has a
 * message in each file (id = the key with dots as hyphens), with the same variables in all three languages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const LANGS = ['en', 'ru', 'zh'] as const;

/** The message ids of an .ftl file, each with the variables it uses (continuation lines included). */
function messages(lang: string): Map<string, string[]> {
  const text = readFileSync(new URL(`locales/${lang}.setup.ftl`, root), 'utf8');
  const out = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^([a-zA-Z][a-zA-Z0-9_-]*) =(.*)$/.exec(line);
    if (head) {
      current = head[1]!;
      out.set(current, []);
    } else if (!/^\s/.test(line)) current = undefined; // a comment or a blank line ends nothing we read
    if (current === undefined) continue;
    for (const v of line.matchAll(/\{ *\$([a-zA-Z]+)/g)) if (!out.get(current)!.includes(v[1]!)) out.get(current)!.push(v[1]!);
  }
  for (const vars of out.values()) vars.sort();
  return out;
}

/** The keys of the set-up block of the `en` table in src/texts.ts, and the parameter names each declares. */
function enKeys(): Map<string, string[]> {
  const src = readFileSync(new URL('src/texts.ts', root), 'utf8');
  const block = src.slice(src.indexOf('// Issue 9, set-up from Telegram'), src.indexOf('\n} as const;'));
  const out = new Map<string, string[]>();
  for (const m of block.matchAll(/^ {2}'([a-zA-Z.]+)': \((?:p: \{ ([^}]*) \})?\)/gm)) {
    const params = (m[2] ?? '').split(';').map((p) => p.trim().split(':')[0]!).filter(Boolean).sort();
    out.set(m[1]!.replace(/\./g, '-'), params);
  }
  return out;
}

describe('set-up texts in Fluent', () => {
  const en = enKeys();
  it('finds the block it checks', () => {
    expect(en.size).toBeGreaterThan(30);
  });
  for (const lang of LANGS) {
    it(`${lang}.setup.ftl has every key, with the en table's variables`, () => {
      const ftl = messages(lang);
      expect([...ftl.keys()].sort()).toEqual([...en.keys()].sort());
      for (const [id, params] of en) expect(ftl.get(id), `${lang}: ${id}`).toEqual(params);
    });
  }
});
