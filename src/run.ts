/**
 * Runs the bridge as a process: configuration from the environment, start, stop on SIGINT/SIGTERM. Shared by
 * `npm start` (src/main.ts) and the tests that run the bridge as a child process they can SIGKILL.
 */
import { parseConfig } from './config.js';
import { StartupError, startBridge, type BridgeOptions } from './app.js';
import { secretScrubber } from './logger.js';

/** Starts the bridge and resolves with the process's exit code once a signal has stopped it. */
export async function runUntilSignal(env: Record<string, string | undefined>, opts: BridgeOptions = {}): Promise<number> {
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    for (const line of parsed.errors) process.stderr.write(`config: ${line}\n`);
    process.stderr.write('config: see .env.example for every setting.\n');
    return 2;
  }
  let bridge;
  try {
    bridge = await startBridge(parsed.config, opts);
  } catch (err) {
    if (err instanceof StartupError) {
      for (const line of err.lines) process.stderr.write(`start-up: ${line}\n`);
      return 1;
    }
    throw err;
  }
  const { stop, log, fatal } = bridge;
  let code = 0;
  await new Promise<void>((resolve) => {
    // Telegram refused updates for good (a revoked token, a second instance): one line, then a clean stop.
    void fatal.then((line) => {
      process.stderr.write(`fatal: ${line}\n`);
      code = 1;
      void stop().finally(resolve);
    });
    const onSignal = (signal: string) => {
      log.info({ signal }, 'signal received');
      // A second signal while stopping means "now".
      process.once(signal, () => process.exit(130));
      void stop().finally(resolve);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return code;
}

/** Exits with the code `run` resolves to; a crash prints one line, with the secrets in `env` scrubbed. */
export function exitWhenDone(run: Promise<number>, name: string, env: Record<string, string | undefined>): void {
  const scrub = secretScrubber([env.TELEGRAM_BOT_TOKEN ?? '', env.MARKET_API_KEY ?? '']);
  run.then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(scrub(`${name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
      process.exit(1);
    },
  );
}
