/**
 * The bridge as its own process, straight from the sources (node --import tsx), for tests that kill it with
 * SIGKILL and start it again. It runs what src/main.ts runs (runUntilSignal), but reads no .env and takes test
 * tuning (timeouts, relay policy, sync interval, Telegram pacing) as JSON in BRIDGE_TEST_OPTIONS, so
 * src/config.ts carries no test-only settings. Start it with BridgeProcess.spawnSource.
 *
 * BRIDGE_TEST_OPTIONS (every field optional):
 *   { marketTimeoutMs, pollTimeoutSeconds, shutdownGraceMs,
 *     relayPolicy: { maxAttempts, backoffBaseMs, backoffMaxMs, rateLimitFallbackMs, noticeAfterMs, echoSweepMs,
 *                    reconcileAfterMs },
 *     limits: { quotas: { <operationId>: n }, maxParallel, syncReserve },
 *     inbound: { pacing: {...}, sync: {...}, topicRetryMs },
 *     dispatch: { maxAttempts, backoffBaseMs, backoffMaxMs, concurrency, keepDoneMs, keepFailedMs } }
 * backoffBaseMs/backoffMaxMs stand for the policy's backoffMs function: base * 2^(n-1), at most max.
 */
import type { BridgeOptions } from '../../src/app.js';
import { exitWhenDone, runUntilSignal } from '../../src/run.js';
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

exitWhenDone(runUntilSignal(process.env, bridgeOptions(process.env.BRIDGE_TEST_OPTIONS)), 'bridge-child', process.env);
