/**
 * The composition root shared by `npm start` and the end-to-end tests: config -> database -> Market client ->
 * relay queue -> bot -> polling. Returns a handle whose stop() shuts down in order.
 */
import type { Bot, Context } from 'grammy';
import { GrammyError, HttpError } from 'grammy';
import type { Config } from './config.js';
import { getKv, setKv } from './db/kv.js';
import { openDb, type OpenDb } from './db/open.js';
import { chooseLogFormat, createLogger, type Logger } from './logger.js';
import { MarketClient } from './market/client.js';
import { MarketError } from './market/errors.js';
import { MarketLimits, type LimitsOptions } from './market/limits.js';
import { partnerMessagesSince } from './bridge/history.js';
import { RelayQueue, type RelayPolicy } from './bridge/relay.js';
import { createBot, mountFeatures } from './telegram/bot.js';
import { describe, TelegramEcho } from './telegram/echo.js';
import { TelegramFiles } from './telegram/files.js';
import { COMMANDS } from './telegram/features/help.js';
import type { Services } from './telegram/services.js';
import { createInbound, type Inbound, type InboundOptions } from './inbound.js';
import { IntakeError, startIntake, type Intake } from './intake.js';
import { BridgeMetrics } from './metrics.js';
import { healthRoutes } from './health.js';

/** Where the quota windows are kept across restarts (kv table), and how often they are saved. */
const LIMITS_KEY = 'market.limits';
const LIMITS_SAVE_MS = 30_000;

export interface BridgeOptions {
  log?: Logger;
  relayPolicy?: Partial<RelayPolicy>;
  marketTimeoutMs?: number;
  limits?: LimitsOptions;
  pollTimeoutSeconds?: number;
  /** How long stop() lets requests already sent to Market finish. */
  shutdownGraceMs?: number;
  /** Inbound sync (buyer -> Telegram) tuning: intervals, Telegram pacing, file limits. */
  inbound?: InboundOptions;
  /** Health tuning (tests): how long Telegram may fail before /healthz answers 503 (default one minute). */
  health?: { telegramDownAfterMs?: number };
}

export interface Bridge {
  bot: Bot<Context>;
  db: OpenDb;
  market: MarketClient;
  limits: MarketLimits;
  relay: RelayQueue;
  /** Buyer -> Telegram sync; undefined when TELEGRAM_CHAT_ID is not set. */
  inbound: Inbound | undefined;
  /** Ports the webhook and notification servers listen on, when they run. */
  ports: Intake['ports'];
  log: Logger;
  /** Prometheus metrics and what /healthz reads. */
  metrics: BridgeMetrics;
  stop(): Promise<void>;
}

/** A start-up problem the seller must fix; each line names what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export async function startBridge(config: Config, opts: BridgeOptions = {}): Promise<Bridge> {
  const log =
    opts.log ??
    createLogger({
      level: config.logLevel,
      secrets: [config.telegram.token, config.market.apiKey],
      format: chooseLogFormat(config.logFormat),
    });
  const db = openDb(config.databasePath);
  const metrics = new BridgeMetrics({ telegramDownAfterMs: opts.health?.telegramDownAfterMs });
  let intake: Intake | undefined;
  let stopSavingLimits = () => undefined as void;
  let relayQueue: RelayQueue | undefined;
  try {
    const limits = new MarketLimits(opts.limits);
    // Quota counts survive a restart: saved now and then and at stop, taken back here.
    const savedLimits = getKv(db.db, LIMITS_KEY);
    if (savedLimits) limits.restore(JSON.parse(savedLimits) as Parameters<MarketLimits['restore']>[0]);
    const saveLimits = () => setKv(db.db, LIMITS_KEY, JSON.stringify(limits.snapshot()));
    const limitsTimer = setInterval(saveLimits, LIMITS_SAVE_MS);
    limitsTimer.unref();
    stopSavingLimits = () => clearInterval(limitsTimer);
    const marketTimeoutMs = opts.marketTimeoutMs ?? config.market.timeoutMs;
    // Requests already on the wire get their full timeout to come back before the database closes.
    const graceMs = opts.shutdownGraceMs ?? marketTimeoutMs + 1_000;
    const market = new MarketClient({
      baseUrl: config.market.apiUrl,
      apiKey: config.market.apiKey,
      businessId: config.market.businessId,
      limits,
      timeoutMs: marketTimeoutMs,
      onAnswer: (op, status) => metrics.marketAnswer(op, status),
    });
    const bot = createBot(config, log, { observe: metrics.telegramTransformer() });
    const relay = (relayQueue = new RelayQueue({
      db: db.db,
      log,
      // History is trusted to show an unanswered send only once Market can no longer be working on it.
      policy: { reconcileAfterMs: marketTimeoutMs + 10_000, ...opts.relayPolicy },
      echo: metrics.wrapEcho(new TelegramEcho({ api: bot.api, db: db.db, log })),
      files: new TelegramFiles({ api: bot.api, token: config.telegram.token, apiRoot: config.telegram.apiRoot }),
      market: {
        sendMessage: (chatId, text) => market.sendMessage(chatId, text),
        sendFile: (chatId, file) => market.sendFile(chatId, file),
        partnerMessagesSince: (chatId, since) => partnerMessagesSince(market, chatId, since),
        blocked: (op) => limits.blocked(op, 'relay'),
      },
    }));
    const services: Services = {
      config,
      db: db.db,
      log,
      market,
      relay,
      isAdmin: (id) => id !== undefined && config.telegram.adminIds.has(id),
      secrets: [config.telegram.token, config.market.apiKey],
    };
    mountFeatures(bot, services);

    // ---- Inbound sync (buyer -> Telegram): started after polling, stopped before the database closes ----
    const inbound = createInbound({ config, db: db.db, log, api: bot.api, market, limits, options: opts.inbound });
    metrics.attach({ db: db.db, limits, relayQueuedChats: () => relay.queuedChats });
    const health =
      config.healthPort === undefined
        ? undefined
        : { port: config.healthPort, routes: healthRoutes(metrics, () => (db.sqlite.open ? db.db : undefined)) };

    await checkTelegram(bot, config, log);
    await checkMarket(market, config, log);
    await bot.api.setMyCommands(COMMANDS).catch((err: unknown) => log.warn({ err: describe(err) }, 'setMyCommands failed'));

    relay.resume();
    try {
      intake = await startIntake({ bot, config, log, inbound, pollTimeoutSeconds: opts.pollTimeoutSeconds, health });
    } catch (err) {
      if (err instanceof IntakeError) throw new StartupError([err.message]);
      throw err;
    }
    await inbound?.start();
    log.info({ bot: bot.botInfo.username, businessId: config.market.businessId }, 'market-bridge started');

    let stopping: Promise<void> | undefined;
    const started = intake;
    return {
      bot,
      db,
      market,
      limits,
      relay,
      inbound,
      ports: intake.ports,
      log,
      metrics,
      stop: () =>
        (stopping ??= (async () => {
          log.info('stopping: no new updates; finishing requests in flight');
          await started.stop();
          await inbound?.stop(graceMs);
          await relay.close(graceMs);
          stopSavingLimits();
          saveLimits();
          db.close();
          log.info('stopped');
        })()),
    };
  } catch (err) {
    await intake?.stop();
    await relayQueue?.close(0);
    stopSavingLimits();
    db.close();
    throw err;
  }
}

/** Fails start-up with one clear line when Telegram refuses the token; a network problem only warns. */
async function checkTelegram(bot: Bot<Context>, config: Config, log: Logger): Promise<void> {
  try {
    await bot.init();
  } catch (err) {
    if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
      throw new StartupError([
        `TELEGRAM_BOT_TOKEN was refused by Telegram (${err.error_code} ${err.description}): copy the token again from @BotFather.`,
      ]);
    }
    const why = err instanceof HttpError ? 'network error' : describe(err).message;
    throw new StartupError([`Cannot reach Telegram at TELEGRAM_API_ROOT (${config.telegram.apiRoot}): ${why}.`]);
  }
}

/**
 * Checks the Api-Key at start-up rather than at the first reply: it must be valid, carry the `communication`
 * (or all-methods) scope, and belong to MARKET_BUSINESS_ID. If Market cannot be reached, the bridge starts anyway
 * (replies queue until it can).
 */
async function checkMarket(market: MarketClient, config: Config, log: Logger): Promise<void> {
  const problems: string[] = [];
  try {
    const token = await market.getTokenInfo();
    if (!token.scopes.some((s) => s === 'COMMUNICATION' || s === 'ALL_METHODS')) {
      problems.push(
        `MARKET_API_KEY lacks the "communication" scope needed to write to buyers (it has: ${token.scopes.join(', ') || 'none'}). Add "Customer communication" to the key in the Market cabinet (Settings → API and modules).`,
      );
    }
    const businesses = await market.getBusinessIds();
    if (businesses.length > 0 && !businesses.includes(config.market.businessId)) {
      problems.push(
        `MARKET_BUSINESS_ID ${config.market.businessId} is not the business of this Api-Key (it belongs to ${businesses.join(', ')}).`,
      );
    }
  } catch (err) {
    if (err instanceof MarketError && (err.kind === 'unauthorized' || err.kind === 'forbidden')) {
      problems.push(
        `MARKET_API_KEY was refused by Market (HTTP ${err.status}${err.code ? ` ${err.code}` : ''}): check the key in the Market cabinet (Settings → API and modules).`,
      );
    } else {
      log.warn({ err: describe(err) }, 'could not check the Api-Key with Market at start; continuing');
    }
  }
  if (problems.length > 0) throw new StartupError(problems);
}
