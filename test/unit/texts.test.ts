/**
 * The catalogue itself (every locales/*.ftl, the `<lang>.<area>.ftl` files other parts add included): the same
 * messages in every language, the same placeholders, nothing Fluent dropped as unreadable, every message renders
 * with its placeholders filled, and every key the code asks for exists.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FluentNumber, FluentResource, type FluentBundle } from '@fluent/bundle';
import { I18n } from '@grammyjs/i18n';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../../src/paths.js';
import { LANGUAGES, loadBundles, readLocales, t, textProblems, withLanguage } from '../../src/texts.js';

const bundles = loadBundles();

/* The runtime AST of @fluent/bundle, as far as these checks walk it. */
type Node = string | { type: string; name?: string; selector?: Node; variants?: { value: Pattern }[]; args?: Node[]; value?: Node };
type Pattern = string | Node[];

/** Every `$variable` a message uses, following references to other messages (which share its variables). */
function variablesOf(bundle: FluentBundle, id: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(id)) return out;
  seen.add(id);
  const message = bundle.getMessage(id);
  const walk = (n: Node | Pattern | undefined): void => {
    if (n === undefined || typeof n === 'string') return;
    if (Array.isArray(n)) return n.forEach(walk);
    if (n.type === 'var') out.add(n.name!);
    if (n.type === 'mesg') for (const v of variablesOf(bundle, n.name!, seen)) out.add(v);
    walk(n.selector);
    n.variants?.forEach((v) => walk(v.value));
    n.args?.forEach(walk);
  };
  walk(message?.value as Pattern | undefined);
  return out;
}

function ids(bundle: FluentBundle): string[] {
  return [...(bundle as unknown as { _messages: Map<string, unknown> })._messages.keys()].sort();
}

describe('locales', () => {
  it('has the three languages, each with at least the main file', () => {
    expect([...bundles.keys()].sort()).toEqual([...LANGUAGES].sort());
    for (const lang of LANGUAGES) expect(readdirSync(LOCALES_DIR)).toContain(`${lang}.ftl`);
  });

  it('every file parses completely: each `id =` line became a message (Fluent drops unreadable entries silently)', () => {
    for (const name of readdirSync(LOCALES_DIR).filter((n) => n.endsWith('.ftl'))) {
      const source = readFileSync(join(LOCALES_DIR, name), 'utf8');
      const declared = source.match(/^-?[A-Za-z][A-Za-z0-9_-]*\s*=/gm)?.length ?? 0;
      const resource = new FluentResource(source);
      expect(resource.body.length, `${name}: ${declared} entries written, ${resource.body.length} read`).toBe(declared);
    }
  });

  it('every language has exactly the messages English has', () => {
    const en = ids(bundles.get('en')!);
    expect(en.length).toBeGreaterThan(100);
    for (const lang of LANGUAGES) {
      const these = ids(bundles.get(lang)!);
      expect(en.filter((id) => !these.includes(id)), `missing in ${lang}`).toEqual([]);
      expect(these.filter((id) => !en.includes(id)), `only in ${lang}`).toEqual([]);
    }
  });

  it('every message uses the same placeholders in every language', () => {
    const en = bundles.get('en')!;
    for (const id of ids(en)) {
      const expected = [...variablesOf(en, id)].sort();
      for (const lang of LANGUAGES) expect([...variablesOf(bundles.get(lang)!, id)].sort(), `${lang} ${id}`).toEqual(expected);
    }
  });

  it('every message renders in every language with its placeholders filled, and no placeholder is left raw', () => {
    for (const lang of LANGUAGES) {
      const bundle = bundles.get(lang)!;
      for (const id of ids(bundle)) {
        const args = Object.fromEntries([...variablesOf(bundle, id)].map((v) => [v, v === 'attempts' || v === 'waiting' || v === 'skipped' || v === 'n' ? new FluentNumber(3) : `«${v}»`]));
        const errors: Error[] = [];
        const text = bundle.formatPattern(bundle.getMessage(id)!.value!, args, errors);
        expect(errors.map((e) => e.message), `${lang} ${id}`).toEqual([]);
        // {buyer}, {order}, {shop}, {date}: the template variables, named as the seller types them.
        expect(text, `${lang} ${id}`).not.toMatch(/\{\s*\$|\{(?!(?:buyer|order|shop|date)\})[a-z][\w-]*\}/);
        expect(text.trim().length, `${lang} ${id} is empty`).toBeGreaterThan(0);
      }
    }
  });

  it('t() reports a missing key or an unfilled placeholder instead of hiding it', () => {
    const before = textProblems().length;
    expect(t('no.such.key')).toBe('no.such.key');
    t('relay.tooLong', { length: 5000 });
    const found = textProblems().slice(before);
    expect(found.some((p) => p.includes('no-such-key'))).toBe(true);
    expect(found.some((p) => p.includes('relay-tooLong') && p.includes('max'))).toBe(true);
  });

  it('every key the code asks for exists (t(\'area.key\') in src/)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(LOCALES_DIR, '../src'));
    const keys = new Set<string>();
    for (const f of files) {
      // Code only: doc comments show the call shape with made-up keys.
      const code = readFileSync(f, 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join('\n');
      for (const m of code.matchAll(/\bt\(\s*'([a-zA-Z_.]+)'/g)) keys.add(m[1]!);
    }
    expect(keys.size).toBeGreaterThan(80);
    const en = bundles.get('en')!;
    expect([...keys].filter((k) => !en.hasMessage(k.replace(/\./g, '-')))).toEqual([]);
  });

  it('the same numbers read the same everywhere: ids are never grouped ("12,345,678")', () => {
    for (const lang of LANGUAGES) {
      withLanguage(lang, () => expect(t('link.checking', { chatId: 12345678 })).toContain('12345678'));
    }
  });
});

describe('<lang>.<area>.ftl files (how other parts add their texts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'locales-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'en.ftl'), 'hello = Hello\n');
  writeFileSync(join(dir, 'en.orders.ftl'), 'orders-card-title = Order { $orderId }\n');
  writeFileSync(join(dir, 'ru.ftl'), 'hello = Привет\n');
  writeFileSync(join(dir, 'ru.orders.ftl'), 'orders-card-title = Заказ { $orderId }\n');

  it('join their language, in our loader and in @grammyjs/i18n alike', () => {
    const ours = loadBundles(dir);
    expect(ours.get('ru')!.hasMessage('orders-card-title')).toBe(true);
    expect([...ours.keys()].sort()).toEqual(['en', 'ru']);
    const plugin = new I18n({ defaultLocale: 'en', directory: dir, fluentBundleOptions: { useIsolating: false } });
    expect(plugin.t('ru', 'orders-card-title', { orderId: '7' })).toBe('Заказ 7');
    expect(plugin.t('en', 'hello')).toBe('Hello');
  });

  it('the real locales/ read by the plugin give what t() gives, for every message in every language', () => {
    const plugin = new I18n({ defaultLocale: 'en', directory: LOCALES_DIR, fluentBundleOptions: { useIsolating: false } });
    expect([...plugin.locales].sort()).toEqual([...readLocales().keys()].sort());
    for (const lang of LANGUAGES) {
      withLanguage(lang, () => {
        expect(plugin.t(lang, 'relay-sent')).toBe(t('relay.sent'));
        expect(plugin.t(lang, 'link-checking', { chatId: '42' })).toBe(t('link.checking', { chatId: 42 }));
      });
    }
  });
});
