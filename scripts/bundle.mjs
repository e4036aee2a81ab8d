/**
 * `npm run build`, second step: src/main.ts and everything it imports, in one minified file, dist/main.js (after tsc
 * has type-checked src/ and written dist/ for the other entry points: backup.js, healthcheck.js).
 *
 * Why: node keeps every loaded module's source text, its record and its resolution in memory. The bridge loads about
 * 1,150 modules (its own and its libraries'); as one file it reads, parses and keeps far less (`npm run bench`: RSS
 * and start to first poll, against the bare grammY bot).
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
 * Names are kept (keepNames), so error names and stack frames read as in the sources.
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
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

// What went into the bundle and what it still imports from node_modules (test/e2e/startup-npm.test.ts checks that every
// one of those is a production dependency; `npx esbuild --analyze` style reading of the sizes).
writeFileSync(new URL('../dist/main.meta.json', import.meta.url), JSON.stringify(result.metafile));
