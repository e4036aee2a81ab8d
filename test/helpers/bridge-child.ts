/**
 * The bridge as its own process, straight from the sources (node --import tsx), for tests that kill it with
 * SIGKILL and start it again. Like src/main.ts it reads the configuration with parseConfig and stops on
 * SIGTERM/SIGINT; unlike it, it takes test tuning (timeouts, relay policy, sync interval, Telegram pacing) as JSON
 * in BRIDGE_TEST_OPTIONS, so src/config.ts carries no test-only settings. Start it with BridgeProcess.spawnSource.
 *
 * BRIDGE_TEST_OPTIONS (every field optional):
 *   { marketTimeoutMs, pollTimeoutSeconds, shutdownGraceMs,
 *     relayPolicy: { maxAttempts, backoffBaseMs, backoffMaxMs, rateLimitFallbackMs, clockSkewMs, noticeAfterMs,
 *                    reconcileAfterMs },
 *     limits: { quotas: { <operationId>: n }, maxParallel, syncReserve },
 *     inbound: { pacing: {...}, sync: {...}, topicRetryMs } }
 * backoffBaseMs/backoffMaxMs stand for the policy's backoffMs function: base * 2^(n-1), at most max.
 */
import { parseConfig } from '../../src/config.js';
import { secretScrubber } from '../../src/logger.js';
import { StartupError, startBridge, type BridgeOptions } from '../../src/app.js';
import type { RelayPolicy } from '../../src/bridge/relay.js';

interface ChildOptions extends Omit<BridgeOptions, 'relayPolicy' | 'log'> {
  relayPolicy?: Partial<Omit<RelayPolicy, 'backoffMs'>> & { backoffBaseMs?: number; backoffMaxMs?: number };
}

function bridgeOptions(json: string | undefined): BridgeOptions {
  const o = (json ? JSON.parse(json) : {}) as ChildOptions;
  const { relayPolicy, ...rest } = o;
  if (!relayPolicy) return rest;
  const { backoffBaseMs, backoffMaxMs, ...policy } = relayPolicy;
  return {
    ...rest,
    relayPolicy: {
      ...policy,
      ...(backoffBaseMs !== undefined
        ? { backoffMs: (n: number) => Math.min(backoffMaxMs ?? 30_000, backoffBaseMs * 2 ** Math.max(0, n - 1)) }
        : {}),
    },
  };
}

async function main(): Promise<number> {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    for (const line of parsed.errors) process.stderr.write(`config: ${line}\n`);
    return 2;
  }
  let bridge;
  try {
    bridge = await startBridge(parsed.config, bridgeOptions(process.env.BRIDGE_TEST_OPTIONS));
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
      process.once(signal, () => process.exit(130));
      void stop().finally(resolve);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
  return 0;
}

const scrub = secretScrubber([process.env.TELEGRAM_BOT_TOKEN ?? '', process.env.MARKET_API_KEY ?? '']);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(scrub(`bridge-child crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`));
    process.exit(1);
  },
);
