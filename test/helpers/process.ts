/**
 * Runs the bridge as its own process, the way `npm start` does (node dist/main.js after a build), so a test or
 * the benchmark can kill it with SIGKILL, restart it, and read its memory from the outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN_JS = join(ROOT, 'dist', 'main.js');

/** Compiles src/ to dist/ (tsc -p tsconfig.build.json). */
export function buildDist(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export class BridgeProcess {
  readonly output: string[] = [];
  private exited: Promise<number | null>;
  private constructor(readonly child: ChildProcess) {
    const collect = (chunk: Buffer) => void this.output.push(chunk.toString('utf8'));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  /** Starts `node dist/main.js` in `cwd` with exactly `env` (plus PATH). */
  static spawn(env: Record<string, string>, cwd: string): BridgeProcess {
    // BRIDGE_NODE_ARGS: extra node flags for profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    const nodeArgs = (process.env.BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new BridgeProcess(child);
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

  waitExit(): Promise<number | null> {
    return this.exited;
  }

  text(): string {
    return this.output.join('');
  }
}
