/**
 * Runs the bridge as a process: configuration from the environment, start, stop on SIGINT/SIGTERM. Shared by
 * `npm start` (src/main.ts) and the tests that run the bridge as a child process they can SIGKILL.
 */
import { configLanguage, parseConfig } from './config.js';
import { t, withLanguageNow } from './texts.js';
import { StartupError, startBridge, type BridgeOptions } from './app.js';
import { secretScrubber } from './logger.js';

/** Starts the bridge and resolves with the process's exit code once a signal has stopped it. */
export async function runUntilSignal(env: Record<string, string | undefined>, opts: BridgeOptions = {}): Promise<number> {
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    for (const line of parsed.errors) process.stderr.write(`config: ${line}\n`);
    process.stderr.write(`config: ${withLanguageNow(configLanguage(env), () => t('config.seeExample'))}\n`);
    return 2;
  }
  // Listening before the start: a SIGTERM that comes while the bridge starts (a supervisor's quick restart) still
  // gets a clean stop once the start is done, instead of Node's default of dying mid-migration.
  let firstSignalAt: number | undefined;
  let onStopRequest: (() => void) | undefined;
  let log: { info(obj: object, msg: string): void } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      log?.info({ signal }, 'signal received');
      onStopRequest?.();
    } else if (Date.now() - firstSignalAt > SAME_SIGNAL_MS) {
      // A second signal while stopping means "now".
      process.exit(130);
    }
    // Within SAME_SIGNAL_MS it is the same Ctrl-C arriving twice: from the terminal and forwarded by npm.
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let bridge;
  try {
    bridge = await startBridge(parsed.config, {
      onNotice: (line) => process.stderr.write(`start-up: ${line}\n`),
      ...opts,
    });
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (err instanceof StartupError) {
      printStartupError(err);
      return 1;
    }
    throw err;
  }
  const { stop, failed, fatal } = bridge;
  log = bridge.log;
  return new Promise<number>((resolve) => {
    onStopRequest = () => void stop().finally(() => resolve(0));
    if (firstSignalAt !== undefined) onStopRequest();
    // A check that had to wait for Market refused once Market answered: stop as a refused start would.
    void failed.then((err) => {
      if (firstSignalAt !== undefined) return;
      firstSignalAt = Date.now();
      printStartupError(err);
      void stop().finally(() => resolve(1));
    });
    // Telegram refused updates for good (a revoked token, a second instance): one line, then a clean stop.
    void fatal.then((line) => {
      if (firstSignalAt !== undefined) return;
      firstSignalAt = Date.now();
      process.stderr.write(`fatal: ${line}\n`);
      void stop().finally(() => resolve(1));
    });
  });
}

/**
 * Under `npm start`, Ctrl-C reaches the bridge twice: the terminal signals the whole foreground process group, and
 * npm forwards the signal it got to its child. A repeat this soon is the same Ctrl-C, not a second one.
 */
const SAME_SIGNAL_MS = 2_000;

function printStartupError(err: StartupError): void {
  for (const line of err.lines) process.stderr.write(`start-up: ${line}\n`);
}

/** Exits with the code `run` resolves to; a crash prints one line, with the secrets in `env` scrubbed. */
export function exitWhenDone(run: Promise<number>, name: string, env: Record<string, string | undefined>): void {
  const scrub = secretScrubber([env.TELEGRAM_BOT_TOKEN, env.MARKET_API_KEY, env.MARKET_NOTIFY_SECRET, env.WEBHOOK_SECRET].map((v) => v ?? ''));
  run.then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(scrub(`${name} crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
      process.exit(1);
    },
  );
}
