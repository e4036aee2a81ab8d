/**
 * `npm start` as a supervisor meets it: it runs the built bridge (no build on every start), and a SIGTERM or SIGINT
 * to the process `npm start` started stops the bridge gracefully within the shutdown bound, leaving nothing running.
 * Also what a production install (`npm ci --omit=dev`) has to provide: nothing under dist/ imports a package that
 * is not a run-time dependency, and migrations are found from dist/.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeMarket } from '../fakes/market.js';
import { FakeTelegram } from '../fakes/telegram.js';
import { fakesEnv } from '../helpers/env.js';
import { ADMIN } from '../helpers/harness.js';
import { BridgeProcess, buildDist, ROOT } from '../helpers/process.js';

const DIST = join(ROOT, 'dist');
let tg: FakeTelegram;
let market: FakeMarket;
let dir: string;
const started: BridgeProcess[] = [];

beforeAll(async () => {
  buildDist();
  tg = await FakeTelegram.start();
  market = await FakeMarket.start();
  dir = mkdtempSync(join(tmpdir(), 'market-bridge-npm-'));
}, 180_000);
afterEach(async () => {
  for (const p of started.splice(0)) {
    if (!p.exit) await p.kill('SIGKILL');
  }
});
afterAll(async () => {
  await tg?.stop();
  await market?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start` in the repository, against the fakes; `group`: its own process group, as a terminal gives it. */
function npmStart(group = false, extra: Record<string, string> = {}): BridgeProcess {
  const env = fakesEnv(tg, market, { adminIds: [ADMIN.id], databasePath: join(dir, `bridge-${started.length}.sqlite`), logLevel: 'info' }, {
    // The shutdown bound is the Market timeout plus 1 s: small here, so "within the bound" is quick to see.
    MARKET_TIMEOUT_SECONDS: '2',
    ...extra,
  });
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  const p = BridgeProcess.of(child);
  started.push(p);
  return p;
}

/** The pids whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return /^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${d}/stat`, 'utf8'))?.[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The node process running dist/main.js under `npm start`: npm's own child (npm runs the script through sh). */
function bridgeNode(npm: BridgeProcess): number {
  const kids = childrenOf(npm.pid);
  expect(kids.map(cmdline), 'npm start runs node directly (sh exec-ed into it), nothing between').toHaveLength(1);
  const pid = kids[0]!;
  expect(cmdline(pid)).toMatch(/node .*dist\/main\.js/);
  return pid;
}

async function gone(pid: number, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > end) throw new Error(`pid ${pid} (${cmdline(pid)}) still running ${withinMs} ms after the signal`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bound: the shutdown grace (Market timeout + 1 s = 3 s here), plus polling's stop, plus a loaded machine. */
const STOP_BOUND_MS = 15_000;

describe('npm start', { timeout: 90_000 }, () => {
  it('runs the built bridge without building, and SIGTERM to the process npm start started stops it gracefully', async () => {
    const npm = npmStart();
    await npm.waitForOutput('market-bridge started', 45_000);
    // npm echoes each script it runs as "> <command>": a build would show as one of these lines.
    expect(npm.text()).not.toMatch(/^> (tsc|npm run build)/m);
    const node = bridgeNode(npm);

    npm.child.kill('SIGTERM');
    await gone(node, STOP_BOUND_MS);
    expect(await npm.waitExit()).toBe(0);
    expect(npm.text()).toContain('"msg":"stopped"');
  });

  it('SIGTERM to the node process itself (systemd, docker stop of a node image) stops it the same way', async () => {
    const npm = npmStart();
    await npm.waitForOutput('market-bridge started', 45_000);
    const node = bridgeNode(npm);
    process.kill(node, 'SIGTERM');
    await gone(node, STOP_BOUND_MS);
    expect(await npm.waitExit()).toBe(0);
    expect(npm.text()).toContain('"msg":"stopped"');
  });

  it('Ctrl-C in a terminal (SIGINT to npm and node together, and npm forwards it again) stops it gracefully', async () => {
    const npm = npmStart(true);
    await npm.waitForOutput('market-bridge started', 45_000);
    const node = bridgeNode(npm);
    process.kill(-npm.pid, 'SIGINT'); // the whole foreground process group, as the terminal does
    await gone(node, STOP_BOUND_MS);
    expect(await npm.waitExit()).toBe(0);
    expect(npm.text()).toContain('"msg":"stopped"');
  });
  it('the same Ctrl-C arriving twice (npm forwards it a moment after the terminal) still stops gracefully', async () => {
    // A buyer-chat poll hangs at Market, so stopping takes a moment (it gets the grace period to come back).
    const groupId = -1001234567890;
    tg.addGroup({ id: groupId, title: 'Shop team', forum: true });
    market.failNext('getChats', { kind: 'hang' });
    const npm = npmStart(false, { TELEGRAM_CHAT_ID: String(groupId) });
    await npm.waitForOutput('market-bridge started', 45_000);
    await market.waitForRequest((r) => r.operationId === 'getChats' && r.fault !== undefined);
    const node = bridgeNode(npm);
    process.kill(node, 'SIGINT');
    // npm's forward comes a few milliseconds after the terminal's signal: the bridge is already stopping.
    await npm.waitForOutput('"signal":"SIGINT"', 5_000);
    process.kill(node, 'SIGINT');
    await gone(node, STOP_BOUND_MS);
    expect(await npm.waitExit()).toBe(0);
    expect(npm.text()).toContain('"msg":"stopped"');
  });
});

describe('a production install has what the built bridge needs', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    scripts: Record<string, string>;
  };

  function jsFiles(d: string): string[] {
    return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? jsFiles(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : [],
    );
  }

  it('nothing under dist/ imports a package outside package.json "dependencies" (no tsx, typescript or other devDependency)', () => {
    const files = jsFiles(DIST);
    expect(files.map((f) => relative(DIST, f))).toContain('main.js');
    const builtins = new Set(builtinModules);
    const outside: string[] = [];
    const outsideDeps = (file: string, specifiers: string[]) => {
      for (const s of specifiers) {
        if (s.startsWith('.') || s.startsWith('node:') || builtins.has(s)) continue;
        const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        if (!(name in pkg.dependencies)) outside.push(`${relative(DIST, file)}: ${s}`);
      }
    };
    for (const file of files) {
      const rel = relative(DIST, file);
      if (rel === 'main.js' || rel.startsWith('bundle/')) continue;
      const code = readFileSync(file, 'utf8');
      outsideDeps(file, [
        ...code.matchAll(/\b(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g),
        ...code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
        ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...code.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1]!));
    }
    // dist/main.js and dist/bundle/ are the bundle (scripts/bundle.mjs): what they load at run time is what esbuild
    // left external.
    const meta = JSON.parse(readFileSync(join(DIST, 'main.meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    expect(Object.keys(meta.outputs)).toContain('dist/main.js');
    const bundled = Object.values(meta.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(bundled).toContain('better-sqlite3');
    // node-fetch's optional require, inside a try/catch (scripts/bundle.mjs): not a package the bridge needs.
    outsideDeps(join(DIST, 'main.js'), bundled.filter((p) => p !== 'encoding'));
    expect(outside).toEqual([]);
    expect(pkg.scripts.start, 'start runs the built file with node, not tsx').toMatch(/^(exec )?node (--\S+ )*dist\/main\.js$/);
  });

  it('the migrations and locales the built bridge reads at run time are where dist/ looks for them', () => {
    // One level up from dist/: from dist/paths.js (tsc output) and from the bundle dist/main.js alike.
    expect(readFileSync(join(DIST, 'paths.js'), 'utf8')).toContain("new URL('../migrations', import.meta.url)");
    const bundle = readFileSync(join(DIST, 'main.js'), 'utf8');
    expect(bundle).toContain('new URL("../migrations",import.meta.url)');
    expect(bundle).toContain('new URL("../locales",import.meta.url)');
    expect(existsSync(join(DIST, '..', 'migrations', 'meta', '_journal.json'))).toBe(true);
    expect(existsSync(join(DIST, '..', 'locales', 'en.away.ftl'))).toBe(true);
  });
});
