/**
 * Issue 8: the deployment files, checked as far as a machine without a Docker engine or a running systemd allows.
 * The Dockerfile is linted (dockerfile-utils, the linter of VS Code's Docker support), its instructions are checked
 * against the repository (what it copies exists and is not in .dockerignore, the scripts it runs exist, it runs
 * node directly with the flags `npm start` uses), and its build and start commands are run in a clean copy laid
 * out as the image would be: the build stage's `npm run build` on only the files the build stage copies, then the
 * final stage's CMD and HEALTHCHECK in a folder with only what the final stage copies, against the fakes.
 * Not done here: `npm ci` (the copy links this checkout's node_modules instead), apt-get, and the image itself.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMarket } from './fakes/market.js';
import { FakeTelegram } from './fakes/telegram.js';
import { fakesEnv, freePort } from './helpers/env.js';
import { ROOT, startFlags } from './helpers/process.js';

const run = promisify(execFile);

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}
interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Dockerfile -> stages of instructions (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!.trim();
    const m = /^\s*(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start}: ${line}`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ from: f[1]!, name: f[2], instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword, args, line: start });
    }
  }
  return stages;
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const final = stages.at(-1)!;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The stage and the stages it is built FROM, oldest first. */
function lineage(stage: Stage): Stage[] {
  const parent = stages.find((s) => s.name === stage.from);
  return parent ? [...lineage(parent), stage] : [stage];
}
const all = (stage: Stage, keyword: string) =>
  lineage(stage).flatMap((s) => s.instructions.filter((i) => i.keyword === keyword));
const one = (stage: Stage, keyword: string) => {
  const found = all(stage, keyword);
  expect(found, `${keyword} in the final stage`).toHaveLength(1);
  return found[0]!;
};
/** COPY lines without --from: [sources, destination]. */
function copies(stage: Stage): { sources: string[]; dest: string; from: string | undefined }[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.split(/\s+/);
      const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((w) => !w.startsWith('--'));
      return { sources: paths.slice(0, -1), dest: paths.at(-1)!, from };
    });
}

describe('Dockerfile', () => {
  it('passes the linter with no finding', () => {
    const findings = validate(dockerfile).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(findings).toEqual([]);
  });

  it('runs node:24-slim as a non-root user, /data as the volume, node directly with the start flags, SIGTERM, a health check', () => {
    expect(final.from).toBe('node:24-slim');
    expect(final.name).toBeUndefined();
    const user = one(final, 'USER').args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(one(final, 'VOLUME').args).toBe('/data');
    expect(one(final, 'STOPSIGNAL').args).toBe('SIGTERM');
    expect(one(final, 'ENV').args).toMatch(/DATABASE_PATH=\/data\//);
    const cmd = JSON.parse(one(final, 'CMD').args) as string[];
    expect(cmd).toEqual(['node', ...startFlags(), 'dist/main.js']);
    const health = one(final, 'HEALTHCHECK').args;
    expect(JSON.parse(health.slice(health.indexOf('CMD') + 3).trim())).toEqual(['node', 'dist/healthcheck.js']);
    // No dev dependencies in the final image: its node_modules come from a stage that ran `npm ci --omit=dev`.
    const modules = copies(final).find((c) => c.dest.includes('node_modules'))!;
    const depsStage = stages.find((s) => s.name === modules.from)!;
    expect(all(depsStage, 'RUN').map((r) => r.args)).toContain('npm ci --omit=dev');
    expect(all(final, 'RUN').some((r) => /npm (ci|install|i)\b/.test(r.args))).toBe(false);
  });

  it('copies only files that exist and are not in .dockerignore, and runs only scripts that exist', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('!'));
    for (const stage of stages) {
      for (const c of copies(stage)) {
        if (c.from) {
          expect(stages.some((s) => s.name === c.from), `COPY --from=${c.from}`).toBe(true);
          continue;
        }
        for (const src of c.sources) {
          expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
          expect(ignored.includes(src) || ignored.includes(src.split('/')[0]!), `${src} is in .dockerignore`).toBe(false);
        }
      }
      for (const r of stage.instructions.filter((i) => i.keyword === 'RUN')) {
        for (const m of r.args.matchAll(/npm run (\S+)/g)) expect(pkg.scripts[m[1]!], `npm run ${m[1]}`).toBeDefined();
      }
    }
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'node_modules', 'data']));
  });
});

describe("the Dockerfile's build and start commands, in a clean copy", () => {
  const dirs: string[] = [];
  let tg: FakeTelegram | undefined;
  let market: FakeMarket | undefined;
  afterAll(async () => {
    await tg?.stop();
    await market?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Lays out what a stage's own COPY lines (and those of the stages it builds on) put in its WORKDIR. */
  function layout(stage: Stage, dir: string, fromStage: (name: string) => string): void {
    for (const s of lineage(stage)) {
      for (const c of copies(s)) {
        const base = c.from ? fromStage(c.from) : ROOT;
        for (const src of c.sources) {
          const from = c.from ? join(base, src.replace(/^\/app\/?/, '')) : join(base, src);
          const to = c.dest.endsWith('/') || c.sources.length > 1 ? join(dir, c.dest, src.split('/').at(-1)!) : join(dir, c.dest);
          if (src.includes('node_modules')) symlinkSync(join(ROOT, 'node_modules'), to); // in place of `npm ci`
          else cpSync(from, to, { recursive: true });
        }
      }
    }
  }

  it('builds on only what the build stage copies, and starts, answers the health check and stops on SIGTERM from only what the final stage copies', async () => {
    const build = stages.find((s) => s.name === 'build')!;
    const buildDir = mkdtempSync(join(tmpdir(), 'mb-docker-build-'));
    const appDir = mkdtempSync(join(tmpdir(), 'mb-docker-app-'));
    dirs.push(buildDir, appDir);
    layout(build, buildDir, () => {
      throw new Error('the build stage copies from no other stage');
    });
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules')); // what `npm ci` would install
    for (const r of all(build, 'RUN')) {
      if (/^(apt-get|npm ci)\b/.test(r.args)) continue; // needs the network; replaced by the link above
      await run('sh', ['-c', r.args], { cwd: buildDir });
    }
    expect(existsSync(join(buildDir, 'dist', 'main.js'))).toBe(true);

    layout(final, appDir, (name) => (name === 'build' ? buildDir : ROOT));
    if (!existsSync(join(appDir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(appDir, 'node_modules'));
    expect(readdirSync(appDir).sort()).toEqual(['dist', 'locales', 'migrations', 'node_modules', 'package-lock.json', 'package.json']);

    // What dist/ imports at run time is a production dependency (or built in): `npm ci --omit=dev` suffices.
    const imports = new Set<string>();
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.js')) {
          const js = readFileSync(join(d, e.name), 'utf8');
          // import … from 'x', import('x'), and createRequire(…)('x') (axios and pino-pretty are loaded that way).
          for (const m of js.matchAll(
            /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g,
          )) {
            const spec = m[1] ?? m[2] ?? m[3]!;
            if (!spec.startsWith('.')) imports.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
          }
        }
      }
    };
    walk(join(appDir, 'dist'));
    const builtins = new Set([...builtinModules, ...builtinModules.map((b) => `node:${b}`)]);
    const notProd = [...imports].filter((i) => !builtins.has(i) && !(i in pkg.dependencies) && !/^node:/.test(i));
    expect(notProd, 'dist imports packages that are not production dependencies').toEqual([]);
    expect(['prom-client', 'pino-pretty', 'axios'].filter((p) => !imports.has(p)), 'the walk sees every way dist loads a package').toEqual([]);

    // Start it as the image does: the CMD in the app folder, the ENV of the final stage, settings for the fakes.
    tg = await FakeTelegram.start();
    market = await FakeMarket.start();
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ...dockerEnv(final),
      ...fakesEnv(tg, market, { adminIds: [111], databasePath: join(appDir, 'data', 'bridge.sqlite'), logLevel: 'info' }),
      HEALTH_PORT: String(port),
    };
    mkdirSync(join(appDir, 'data'));
    const [cmd, ...args] = JSON.parse(one(final, 'CMD').args) as string[];
    expect(cmd).toBe('node');
    const child = spawn(process.execPath, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const end = Date.now() + 90_000;
      while (!out.includes('market-bridge started')) {
        if (child.exitCode !== null || Date.now() > end) throw new Error(`the image's CMD did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // JSON lines when stdout is not a terminal (Docker's log driver, the journal).
      const first = out.split('\n').find((l) => l.includes('market-bridge started'))!;
      expect(JSON.parse(first)).toMatchObject({ msg: 'market-bridge started' });

      const health = JSON.parse(one(final, 'HEALTHCHECK').args.replace(/^.*CMD\s+/, '')) as string[];
      const hc = await run(process.execPath, health.slice(1), { cwd: appDir, env });
      expect(hc.stdout).toMatch(/^healthcheck: 200 \{"status":"ok"/);
      // And it fails when nothing answers (the container is then marked unhealthy).
      await expect(run(process.execPath, health.slice(1), { cwd: appDir, env: { ...env, HEALTH_PORT: String(await freePort()) } })).rejects.toMatchObject({ code: 1 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('"msg":"stopped"');
    expect(out.includes(tg.token) || out.includes(market.apiKey)).toBe(false);
  }, 300_000); // a full tsc build and a bridge start: about 30 s on an idle machine, minutes on a loaded one
});

/** The final stage's ENV values (KEY=value pairs). */
function dockerEnv(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of all(stage, 'ENV')) for (const m of e.args.matchAll(/(\w+)=(\S+)/g)) out[m[1]!] = m[2]!;
  return out;
}
