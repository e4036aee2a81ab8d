/** `npm start`: read the configuration, start the bridge, stop cleanly on SIGINT/SIGTERM. */
import { loadDotEnv, parseConfig } from './config.js';
import { StartupError, startBridge } from './app.js';

async function main(): Promise<number> {
  loadDotEnv();
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    for (const line of parsed.errors) process.stderr.write(`config: ${line}\n`);
    process.stderr.write('config: see .env.example for every setting.\n');
    return 2;
  }
  let bridge;
  try {
    bridge = await startBridge(parsed.config);
  } catch (err) {
    if (err instanceof StartupError) {
      for (const line of err.lines) process.stderr.write(`start-up: ${line}\n`);
      return 1;
    }
    throw err;
  }
  const stop = bridge.stop;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      bridge.log.info({ signal }, 'signal received');
      // A second signal while stopping means "now".
      process.once(signal, () => process.exit(130));
      void stop().finally(resolve);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`market-bridge crashed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
