/**
 * How Telegram updates and Market notifications reach the bridge: long polling (default) or the Telegram webhook,
 * plus Market's push notifications when MARKET_NOTIFY_PORT is set (on the webhook's server when the ports match).
 */
import type { Bot, Context } from 'grammy';
import type { RunnerHandle } from '@grammyjs/runner';
import type { Config } from './config.js';
import { startHttpServer, type Route, type RunningServer } from './http-server.js';
import type { Inbound } from './inbound.js';
import type { Logger } from './logger.js';
import { createNotificationHandler, notificationRoute } from './market/notifications.js';
import { describe } from './telegram/echo.js';
import { startPolling } from './telegram/polling.js';
import { registerWebhook, webhookRoute } from './telegram/webhook.js';

export interface Intake {
  /** Ports actually listened on (useful with port 0). */
  ports: { webhook?: number; notify?: number; health?: number };
  /** Stops taking updates and notifications; requests being handled finish first. */
  stop(): Promise<void>;
}

export class IntakeError extends Error {
  override readonly name = 'IntakeError';
}

export async function startIntake(deps: {
  bot: Bot<Context>;
  config: Config;
  log: Logger;
  inbound: Inbound | undefined;
  pollTimeoutSeconds?: number;
  /** GET /healthz and /metrics on HEALTH_PORT (on the webhook's or notifications' server when the port matches). */
  health?: { port: number; routes: Route[] };
}): Promise<Intake> {
  const { bot, config, log, inbound } = deps;
  const servers: RunningServer[] = [];
  const ports: Intake['ports'] = {};
  let runner: RunnerHandle | undefined;
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
        businessId: config.market.businessId,
        log,
        allowIps: config.market.notifyAllowIps,
        // The answer goes out first; the chat is brought up to date right after (polling stays the safety net).
        onEvent: (e) => void inbound?.syncChat(e.chatId, `notification:${e.kind}`),
      });
    } catch (err) {
      throw new IntakeError(err instanceof Error ? err.message : String(err));
    }
    notify = notificationRoute(handler);
  }

  try {
    const webhook = config.telegram.mode === 'webhook' ? config.telegram.webhook : undefined;
    const shared = webhook !== undefined && notify !== undefined && config.market.notifyPort === webhook.port;
    if (webhook) {
      const routes = [...healthOn(webhook.port), webhookRoute(bot, webhook), ...(shared ? [notify!] : [])];
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
      runner = startPolling(bot, { log, timeoutSeconds: deps.pollTimeoutSeconds });
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
    if (runner?.isRunning()) await runner.stop();
    throw err;
  }

  return {
    ports,
    stop: async () => {
      await Promise.all(servers.map((s) => s.close()));
      if (runner?.isRunning()) await runner.stop();
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
      code === 'EADDRINUSE' ? `${name} ${port} is already in use by another program.` : `${name} ${port}: ${describe(err).message}`,
    );
  }
}
