/**
 * The layers stay one way (DEVELOPERS.md): the bridge core loads neither grammY nor axios, not even through another
 * module, and the database layer never imports the bridge. Walks the real source files' import statements
 * (type-only imports included: they tie the layers together just the same) from each file of src/bridge and src/db.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, type-only and dynamic). */
export function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

/** A relative specifier as the .ts file it names (the code imports `./x.js` for `./x.ts`). */
function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.d.ts'), `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${relative(SRC, from)} imports ${spec}, which does not resolve to a source file`);
}

/** The package name of a bare specifier (`grammy/types` -> `grammy`, `@grammyjs/runner` -> `@grammyjs/runner`). */
function packageOf(spec: string): string {
  const parts = spec.replace(/^node:/, 'node:').split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every module reachable from `file`, each with the chain of imports that reaches it. */
function reachable(file: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[file, [relative(SRC, file)]]]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const chain = seen.get(current)!;
    for (const spec of specifiers(readFileSync(current, 'utf8'))) {
      const local = resolveLocal(current, spec);
      const key = local ?? `pkg:${packageOf(spec)}`;
      if (seen.has(key)) continue;
      seen.set(key, [...chain, local ? relative(SRC, local) : packageOf(spec)]);
      if (local) queue.push(local);
    }
  }
  return seen;
}

function violations(dir: string, forbidden: (key: string) => boolean): string[] {
  return sourceFiles(join(SRC, dir)).flatMap((file) =>
    [...reachable(file)].filter(([key]) => forbidden(key)).map(([, chain]) => chain.join(' -> ')),
  );
}

const isPkg = (...names: string[]) => (key: string) => names.some((n) => key === `pkg:${n}` || key.startsWith(`pkg:${n}/`));

describe('layers', () => {
  it('finds the imports it is meant to follow (the walk itself works)', () => {
    expect(specifiers(`import { a } from './a.js';\nimport type { B } from "../b.js";\nexport { c } from './c.js';\nimport 'side';\nawait import('./d.js');`)).toEqual(
      ['./a.js', '../b.js', './c.js', 'side', './d.js'],
    );
    // The telegram layer does load grammY, so a walk that found nothing there would be broken.
    expect(violations('telegram', isPkg('grammy')).length).toBeGreaterThan(0);
  });

  it('src/bridge loads neither grammY nor axios, directly or through another module', () => {
    expect(violations('bridge', isPkg('grammy', '@grammyjs', 'axios'))).toEqual([]);
  });

  it('src/db never imports src/bridge (nor the Telegram or Market layers above it)', () => {
    const above = (key: string) => ['bridge', 'telegram', 'market'].some((d) => key.startsWith(join(SRC, d) + '/'));
    expect(violations('db', above)).toEqual([]);
  });
});
