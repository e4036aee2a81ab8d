/**
 * Runs the bridge as its own process, so a test or the benchmark can kill it with SIGKILL, restart it, and read its
 * memory from the outside: either the way `npm start` does (node dist/main.js after a build, `spawn`), or straight
 * from the sources with tsx and test tuning (test/helpers/bridge-child.ts, `spawnSource`), no build needed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');

/** The node flags `npm start` runs the bridge with (read from package.json, so the benchmark measures the same). */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const m = /node((?:\s+--\S+)*)\s+dist\/main\.js/.exec(pkg.scripts.start);
  return (m?.[1] ?? '').split(/\s+/).filter(Boolean);
}
/** tsx's ESM loader, by absolute path (no npx): `node --import <it> file.ts` runs TypeScript as it is. */
export const TSX_LOADER = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
/** The test entry: parseConfig + startBridge with tuning from BRIDGE_TEST_OPTIONS (see the file). */
export const BRIDGE_CHILD = join(ROOT, 'test', 'helpers', 'bridge-child.ts');

/** What `npm run build` does: compiles src/ to dist/ (tsc -p tsconfig.build.json), then bundles dist/main.js (scripts/bundle.mjs). */
export function buildDist(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

export class BridgeProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;
  /** Set once the process has exited: its exit code, or the signal that ended it. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly watchers = new Set<(chunk: string) => void>();
  private constructor(readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.output.push(text);
      for (const w of [...this.watchers]) w(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((r) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        for (const w of [...this.watchers]) w('');
        r(code);
      }),
    );
  }

  /** Starts `node dist/main.js` in `cwd` with exactly `env` (plus PATH). */
  static spawn(env: Record<string, string>, cwd: string): BridgeProcess {
    // BRIDGE_NODE_ARGS: extra node flags for profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...startFlags(), ...nodeArgs, MAIN_JS], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BridgeProcess(child);
  }

  /**
   * Starts test/helpers/bridge-child.ts from the sources (`node --import tsx`, cwd = the repository root) with
   * exactly `env` (plus PATH); `options` become BRIDGE_TEST_OPTIONS (timeouts, relay policy, sync tuning ...).
   * BRIDGE_NODE_ARGS adds node flags here too (e.g. "--trace-warnings").
   */
  static spawnSource(
    env: Record<string, string>,
    options: Record<string, unknown> = {},
    as?: { uid: number; gid: number },
  ): BridgeProcess {
    const nodeArgs = (process.env.BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, '--import', pathToFileURL(TSX_LOADER).href, BRIDGE_CHILD], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, BRIDGE_TEST_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // `as`: run as another user (a test run by root uses it to meet a read-only directory as a seller would).
      ...as,
    });
    return new BridgeProcess(child);
  }

  /** Wraps a process a test started itself (e.g. `npm start`), to read its output and wait for its exit. */
  static of(child: ChildProcess): BridgeProcess {
    return new BridgeProcess(child);
  }

  /** Resolves once the output so far contains `needle`; rejects if the process exits first or after `timeoutMs`. */
  waitForOutput(needle: string | RegExp, timeoutMs = 30_000): Promise<void> {
    const has = (text: string) => (typeof needle === 'string' ? text.includes(needle) : needle.test(text));
    if (has(this.text())) return Promise.resolve();
    if (this.exit) return Promise.reject(new Error(`bridge process exited (${JSON.stringify(this.exit)}) before printing ${String(needle)}`));
    // Only new output is searched (with the end of the previous chunk, for a needle split across chunks).
    let carry = this.output.at(-1)?.slice(-500) ?? '';
    const found = (chunk: string) => {
      const text = carry + chunk;
      carry = text.slice(-500);
      return has(text);
    };
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        if (err) reject(err);
        else resolve();
      };
      const watch = (chunk: string) => {
        if (found(chunk)) done();
        else if (this.exit) done(new Error(`bridge process exited (${JSON.stringify(this.exit)}) before printing ${String(needle)}:\n${this.text().slice(-2000)}`));
      };
      const timer = setTimeout(
        () => done(new Error(`bridge process did not print ${String(needle)} within ${timeoutMs} ms:\n${this.text().slice(-2000)}`)),
        timeoutMs,
      );
      this.watchers.add(watch);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident memory in bytes, read from /proc. */
  rss(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : NaN;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  /**
   * SIGTERM, then SIGKILL if the process has not exited within `timeoutMs`. Resolves with whether it stopped by
   * itself (the benchmark must never hang on a bridge that does not stop; the caller reports the false).
   */
  async terminate(timeoutMs = 20_000): Promise<boolean> {
    if (this.exit) return true;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([
      this.exited.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!clean) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    return clean;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  text(): string {
    return this.output.join('');
  }
}
