/**
 * `npm run build`, second step: src/main.ts and everything it imports, minified into dist/main.js and a few chunks
 * under dist/bundle/ (after tsc has type-checked src/ and written dist/ for the other entry points: backup.js,
 * healthcheck.js).
 *
 * Why (issue 13; `npm run bench`: RSS and start to first poll, against the bare grammY bot):
 * - node keeps every loaded module's source text, its record and its resolution in memory, and the bridge loaded
 *   about 1,150 modules (its own and its libraries'); bundled it reads, parses and keeps far less;
 * - but not as one file: V8 parses a module whole when it loads, and its parser's memory comes from the C heap,
 *   which keeps it as RSS after the parse (heaptrack: 15 MB at start for one 1.6 MB file, 10 MB of it still resident
 *   when the bridge polled). So the big libraries are entry points of their own: esbuild moves the code they share
 *   with main.js into chunks, each parsed on its own (dist/bundle/grammy.js and the other entry files themselves
 *   are not loaded). Idle after start: 81 MB, against 93 MB as one file and about 96 MB unbundled.
 *
 * Left outside the bundle, loaded from node_modules at run time as before:
 * - better-sqlite3 and @resvg/resvg-js: native addons;
 * - echarts, subset-font and @embedpdf/fonts-sc: the chart's libraries (loaded only when a chart is drawn; subset-font
 *   reads its wasm file, the font package its font file, from their own folders);
 * - pino-pretty and axios: required at run time through createRequire (src/logger.ts, src/util/axios.ts);
 * - encoding: not installed; node-fetch (grammY's HTTP client) tries to require it inside a try/catch, for a method
 *   grammY does not call.
 * (Node's own fetch in place of node-fetch was tried: 3 MB less heap, but its WebAssembly HTTP parser took 5 MB
 * more outside the heap.)
 * Names are kept (keepNames), so error names and stack frames read as in the sources. src/paths.ts must stay in
 * main.js (one level below the package root): only main.ts imports the bridge's own code, so it does.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * A bundled JSON file as `JSON.parse('…')`, not as the object literal esbuild writes by default: V8 parses the whole
 * bundle when it loads, and a literal's syntax tree (tr46's Unicode table, 260 kB of nested arrays, which grammY's
 * node-fetch loads) took most of the 15 MB the parser allocated at start (heaptrack), memory the C heap then kept
 * as RSS. A string is one token; JSON.parse builds the same value without a syntax tree.
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (args) => {
      const value = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(value))});`, loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/main.ts',
    // One parse each (see above): the libraries that are most of the bundle.
    'bundle/grammy': 'grammy',
    'bundle/zod': 'zod',
    'bundle/drizzle': 'drizzle-orm/better-sqlite3',
    'bundle/pino': 'pino',
    'bundle/prom': 'prom-client',
  },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'bundle/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
  plugins: [jsonAsString],
  external: ['better-sqlite3', '@resvg/resvg-js', 'echarts', 'subset-font', '@embedpdf/fonts-sc', 'pino-pretty', 'axios', 'encoding'],
  // A bundled CommonJS library still calls require() and reads __dirname (grammY's Deno shim names its main module
  // with it; pino's worker transports, which the bridge does not use, would too): give the ES module all three.
  banner: {
    js: [
      "import { createRequire as __bridgeRequire } from 'node:module';",
      "import { fileURLToPath as __bridgePath } from 'node:url';",
      'const require = __bridgeRequire(import.meta.url);',
      'const __filename = __bridgePath(import.meta.url);',
      "const __dirname = __bridgePath(new URL('.', import.meta.url));",
    ].join(' '),
  },
});

// What went into the bundle, with sizes, and what its files still import from node_modules: test/e2e/startup-npm.test.ts
// checks that each of those is a production dependency.
writeFileSync(new URL('../dist/main.meta.json', import.meta.url), JSON.stringify(result.metafile));
