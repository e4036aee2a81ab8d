/**
 * GET /healthz and GET /metrics for an operator (HEALTH_PORT). /healthz answers 200 with a small JSON while the bot
 * can do its job, 503 with the reasons when it cannot: Telegram unreachable for over a minute, the Market Api-Key
 * refused, or the database not writable. No secret and no message text in either answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from './db/open.js';
import { setKv } from './db/kv.js';
import type { Route } from './http-server.js';
import type { BridgeMetrics, QueueDepths } from './metrics.js';

/** Written on every health check: a write that fails means replies could not be recorded either. */
const HEALTH_KEY = 'health.checkedAt';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** Why the bot cannot do its job (empty when it can). */
  problems: string[];
  uptimeSeconds: number;
  telegram: { reachable: boolean; lastOkSecondsAgo: number | null };
  market: { reachable: boolean; keyRefused: boolean; lastOkSecondsAgo: number | null };
  database: { writable: boolean };
  queues: QueueDepths | null;
}

export function checkHealth(metrics: BridgeMetrics, db: () => Db | undefined, now = Date.now()): HealthReport {
  const problems: string[] = [];
  const tg = metrics.telegram;
  const telegramDown = tg.failingSince !== undefined && now - tg.failingSince > metrics.telegramDownAfterMs;
  if (telegramDown) problems.push('telegram unreachable for over a minute');
  const keyRefused = metrics.market.keyRefusedAt !== undefined;
  if (keyRefused) problems.push('market api key refused');
  let writable = false;
  try {
    const d = db();
    if (d) {
      setKv(d, HEALTH_KEY, String(now), now);
      writable = true;
    }
  } catch {
    writable = false;
  }
  if (!writable) problems.push('database not writable');
  const ago = (t: number | undefined) => (t === undefined ? null : Math.max(0, Math.round((now - t) / 1000)));
  return {
    status: problems.length === 0 ? 'ok' : 'unavailable',
    problems,
    uptimeSeconds: Math.round((now - metrics.startedAt) / 1000),
    telegram: { reachable: tg.failingSince === undefined, lastOkSecondsAgo: ago(tg.lastOkAt) },
    market: {
      reachable: metrics.market.failingSince === undefined,
      keyRefused,
      lastOkSecondsAgo: ago(metrics.market.lastOkAt),
    },
    database: { writable },
    queues: metrics.queues() ?? null,
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

/** The two GET routes; put them before a catch-all route (Market's notifications accept any path). */
export function healthRoutes(metrics: BridgeMetrics, db: () => Db | undefined): Route[] {
  const get = (path: string) => (req: IncomingMessage) => (req.method === 'GET' || req.method === 'HEAD') && pathOf(req) === path;
  return [
    {
      matches: get('/healthz'),
      handle: (_req: IncomingMessage, res: ServerResponse) => {
        const report = checkHealth(metrics, db);
        res
          .writeHead(report.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
          .end(JSON.stringify(report));
      },
    },
    {
      matches: get('/metrics'),
      handle: async (_req: IncomingMessage, res: ServerResponse) => {
        const { contentType, body } = await metrics.render();
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body);
      },
    },
  ];
}
