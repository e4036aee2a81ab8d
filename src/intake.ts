/**
 * How Telegram updates and Market notifications reach the bridge: long polling (default) or the Telegram webhook,
 * plus Market's push notifications when MARKET_NOTIFY_PORT is set (on the webhook's server when the ports match).
 */
import type { Bot, Context } from 'grammy';
import { secretValues, type Config } from './config.js';
import type { Db } from './db/open.js';
import { startHttpServer, type Route, type RunningServer } from './http-server.js';
import type { NotifyGate } from './bridge/notify-gate.js';
import type { Inbound } from './inbound.js';
import type { Logger } from './logger.js';
import { createNotificationHandler, notificationRoute, type FeedbackNotice } from './market/notifications.js';
import { describe } from './telegram/echo.js';
import { Dispatcher, type DispatchPolicy } from './telegram/dispatch.js';
import { languageOfUpdate } from './telegram/language.js';
import { t } from './texts.js';
import { startPolling, type Polling } from './telegram/polling.js';
import { registerWebhook, webhookRoute } from './telegram/webhook.js';

export interface Intake {
  /** Ports actually listened on (useful with port 0). */
  ports: { webhook?: number; notify?: number; health?: number };
  /**
   * Stops taking updates and notifications; requests being handled finish first, and update handlers get up to
   * `graceMs` (what they leave unfinished stays in the inbox for the next start).
   */
  stop(graceMs?: number): Promise<void>;
}

export class IntakeError extends Error {
  override readonly name = 'IntakeError';
}

export async function startIntake(deps: {
  bot: Bot<Context>;
  config: Config;
  log: Logger;
  inbound: Inbound | undefined;
  /** Where chat notifications go (coalesced and bounded); undefined when the inbound sync is off. */
  notifyGate?: NotifyGate;
  /** Each shop's gate, by business id (several shops); without it every notification goes to `notifyGate`. */
  notifyGateFor?: (businessId: number) => NotifyGate | undefined;
  /** Whether a business is a shop of this process (its notifications are used; others answered and ignored). */
  isShop?: (businessId: number) => boolean;
  /** Where review and question notifications go (bounded and coalesced there); undefined when they are off. */
  feedback?: (businessId: number) => { notified(e: FeedbackNotice): void } | undefined;
  pollTimeoutSeconds?: number;
  /** Where updates are stored before they are confirmed to Telegram (the inbox table). */
  db: Db;
  dispatch?: Partial<DispatchPolicy>;
  /** Telegram refused updates for good (polling: 401, 409); `line` says what to do. */
  onFatal: (line: string) => void;
  /** GET /healthz and /metrics on HEALTH_PORT (on the webhook's or notifications' server when the port matches). */
  health?: { port: number; routes: Route[] };
  /** Who is on the team (owners and the members they added); default the owners. */
  isTeam?: (userId: number | undefined) => boolean;
}): Promise<Intake> {
  const { bot, config, log, inbound } = deps;
  const servers: RunningServer[] = [];
  const ports: Intake['ports'] = {};
  let polling: Polling | undefined;
  const onError = (err: unknown) => log.error({ err: describe(err) }, 'HTTP handler failed');
  const host = config.httpHost;
  const health = deps.health;
  const healthOn = (port: number): Route[] => (health && health.port === port ? health.routes : []);

  let notify: Route | undefined;
  if (config.market.notifyPort !== undefined) {
    if (!inbound) log.warn('MARKET_NOTIFY_PORT is set but TELEGRAM_CHAT_ID is not: notifications are acknowledged and ignored');
    let handler;
    try {
      handler = createNotificationHandler({
        businessId: config.market.businessId ?? 0,
        isShop: deps.isShop,
        log,
        allowIps: config.market.notifyAllowIps,
        pathSecret: config.market.notifySecret,
        // The answer goes out first; the gate then brings the chat up to date, with bounded work whatever arrives
        // (polling stays the safety net for what it drops).
        onEvent: (e, businessId) =>
          void (deps.notifyGateFor && businessId !== undefined ? deps.notifyGateFor(businessId) : deps.notifyGate)?.offer(e.chatId, e.kind),
        // An order's status or delivery changed: the cards of its chats are read again (unknown orders cost nothing).
        onOrderEvent: (e) => inbound?.orderChanged(e.orderId),
        onFeedback: (e, businessId) => deps.feedback?.(businessId)?.notified(e),
      });
    } catch (err) {
      throw new IntakeError(err instanceof Error ? err.message : String(err));
    }
    notify = notificationRoute(handler);
    if (config.market.notifySecret === undefined && !config.market.notifyAllowIps?.length) {
      log.warn(
        'Market notifications: neither MARKET_NOTIFY_SECRET nor MARKET_NOTIFY_ALLOW_IPS is set, so anyone who finds the port can post notifications (each costs Market requests). Set MARKET_NOTIFY_SECRET and register https://<host>/<secret> in the Market cabinet.',
      );
    }
  }

  // Updates left from before are handled first; new ones join them in the inbox.
  const dispatcher = new Dispatcher({
    db: deps.db,
    log,
    handle: (update) => bot.handleUpdate(update),
    api: bot.api,
    isAdmin: deps.isTeam ?? ((id) => id !== undefined && config.telegram.adminIds.has(id)),
    secrets: secretValues(config),
    policy: deps.dispatch,
    language: (update) => languageOfUpdate(deps.db, update, config.language),
  });
  dispatcher.start();
  const store = (updates: Parameters<Dispatcher['accept']>[0]) => dispatcher.accept(updates);
  try {
    const webhook = config.telegram.mode === 'webhook' ? config.telegram.webhook : undefined;
    const shared = webhook !== undefined && notify !== undefined && config.market.notifyPort === webhook.port;
    if (webhook) {
      const routes = [...healthOn(webhook.port), webhookRoute({ ...webhook, log, store }), ...(shared ? [notify!] : [])];
      const server = await listen('WEBHOOK_PORT', webhook.port, routes, onError, host);
      if (health?.port === webhook.port) ports.health = server.port;
      servers.push(server);
      ports.webhook = server.port;
      if (shared) ports.notify = server.port;
      await registerWebhook(bot, webhook);
      log.info({ url: webhook.url, port: server.port }, 'receiving Telegram updates by webhook');
    } else {
      // A webhook left from an earlier setup makes getUpdates fail; pending updates are kept.
      await bot.api.deleteWebhook();
      polling = startPolling(bot, { log, timeoutSeconds: deps.pollTimeoutSeconds, store, onFatal: deps.onFatal });
    }
    if (notify && !shared) {
      const routes = [...healthOn(config.market.notifyPort!), notify];
      const server = await listen('MARKET_NOTIFY_PORT', config.market.notifyPort!, routes, onError, host);
      if (health?.port === config.market.notifyPort) ports.health = server.port;
      servers.push(server);
      ports.notify = server.port;
    }
    if (ports.notify !== undefined) log.info({ port: ports.notify }, 'receiving Market notifications');
    if (health && ports.health === undefined) {
      const server = await listen('HEALTH_PORT', health.port, health.routes, onError, host);
      servers.push(server);
      ports.health = server.port;
    }
    if (ports.health !== undefined) log.info({ port: ports.health }, 'serving /healthz and /metrics');
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    await polling?.stop();
    await dispatcher.stop(0);
    throw err;
  }

  return {
    ports,
    stop: async (graceMs = 0) => {
      await Promise.all(servers.map((s) => s.close()));
      await polling?.stop();
      await dispatcher.stop(graceMs);
    },
  };
}

async function listen(
  name: string,
  port: number,
  routes: Route[],
  onError: (err: unknown) => void,
  host?: string,
): Promise<RunningServer> {
  try {
    return await startHttpServer(port, routes, onError, host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new IntakeError(
      code === 'EADDRINUSE' ? t('startup.portInUse', { name, port: String(port) }) : t('startup.portFailed', { name, port: String(port), detail: describe(err).message }),
    );
  }
}
