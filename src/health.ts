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
  /** All shops together (reachable: every one; keyRefused: any one), then each shop. */
  market: { reachable: boolean; keyRefused: boolean; lastOkSecondsAgo: number | null; shops: ShopHealth[] };
  database: { writable: boolean };
  queues: QueueDepths | null;
}

export interface ShopHealth {
  businessId: number;
  name: string;
  reachable: boolean;
  keyRefused: boolean;
  lastOkSecondsAgo: number | null;
}

export function checkHealth(metrics: BridgeMetrics, db: () => Db | undefined, now = Date.now()): HealthReport {
  const problems: string[] = [];
  const tg = metrics.telegram;
  const telegramDown = tg.failingSince !== undefined && now - tg.failingSince > metrics.telegramDownAfterMs;
  if (telegramDown) problems.push('telegram unreachable for over a minute');
  const ago = (t: number | undefined) => (t === undefined ? null : Math.max(0, Math.round((now - t) / 1000)));
  const several = metrics.shops().length > 1;
  const shops: ShopHealth[] = metrics.shops().map(({ businessId, name }) => {
    const reach = metrics.marketOf(businessId);
    const keyRefused = reach.keyRefusedAt !== undefined;
    // With several shops the problem names the business, so the operator knows which key to replace.
    if (keyRefused) problems.push(several ? `market api key refused (business ${businessId})` : 'market api key refused');
    return { businessId, name, reachable: reach.failingSince === undefined, keyRefused, lastOkSecondsAgo: ago(reach.lastOkAt) };
  });
  const keyRefused = shops.some((s) => s.keyRefused);
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
  const latestOk = Math.max(...shops.map((s) => (s.lastOkSecondsAgo === null ? -Infinity : -s.lastOkSecondsAgo)));
  return {
    status: problems.length === 0 ? 'ok' : 'unavailable',
    problems,
    uptimeSeconds: Math.round((now - metrics.startedAt) / 1000),
    telegram: { reachable: tg.failingSince === undefined, lastOkSecondsAgo: ago(tg.lastOkAt) },
    market: {
      reachable: shops.every((s) => s.reachable),
      keyRefused,
      lastOkSecondsAgo: Number.isFinite(latestOk) ? -latestOk : null,
      shops,
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
