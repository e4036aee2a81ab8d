/**
 * The composition root shared by `npm start` and the end-to-end tests: config -> database -> Market client ->
 * relay queue -> bot -> polling. Returns a handle whose stop() shuts down in order.
 */
import type { Bot, Context } from 'grammy';
import { GrammyError, HttpError } from 'grammy';
import { secretValues, type Config } from './config.js';
import { getKv, setKv } from './db/kv.js';
import { DatabaseOpenError, openDb, type OpenDb } from './db/open.js';
import { chooseLogFormat, createLogger, type Logger } from './logger.js';
import { MarketClient } from './market/client.js';
import { MarketError } from './market/errors.js';
import { MarketLimits, type LimitsOptions } from './market/limits.js';
import { partnerMessagesFrom } from './bridge/history.js';
import { NotifyGate, type NotifyGateOptions } from './bridge/notify-gate.js';
import { RelayQueue, type RelayPolicy } from './bridge/relay.js';
import { MarketChats } from './bridge/chats.js';
import { GroupChatId } from './bridge/group.js';
import { followGroupUpgrade } from './telegram/features/migration.js';
import { wasPausedIn } from './telegram/presence.js';
import { isKnownMarketChat } from './db/known-chats.js';
import { createBot, mountFeatures } from './telegram/bot.js';
import { describe, TelegramEcho } from './telegram/echo.js';
import { TelegramFiles } from './telegram/files.js';
import { COMMANDS } from './telegram/features/help.js';
import type { Services } from './telegram/services.js';
import { createInbound, type Inbound, type InboundOptions } from './inbound.js';
import { IntakeError, startIntake, type Intake } from './intake.js';
import type { DispatchPolicy } from './telegram/dispatch.js';
import { t, technical } from './texts.js';
import { DeadlineError, withDeadline } from './util/deadline.js';
import { BridgeMetrics } from './metrics.js';
import { healthRoutes } from './health.js';
import { AnswerReport } from './bridge/answer-report.js';
import { DailyDigest } from './telegram/digest.js';

/** Where the quota windows are kept across restarts (kv table), and how often they are saved. */
const LIMITS_KEY = 'market.limits';
const LIMITS_SAVE_MS = 30_000;
/** How long Telegram, and then Market, may take to answer the start-up checks: the seller hears within 15 s. */
const STARTUP_CHECK_MS = 10_000;
/** While Market could not be checked at start, it is tried again (and the seller told) this often. */
const STARTUP_RETRY_MS = 60_000;

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
  /** Bounds on the work Market's push notifications cause (tests lower them). */
  notifyGate?: Partial<NotifyGateOptions>;
  /** How stored Telegram updates are handled: attempts, backoff, parallel chats. */
  dispatch?: Partial<DispatchPolicy>;
  /** Bound on each start-up check (Telegram, then Market); default STARTUP_CHECK_MS. */
  startupCheckMs?: number;
  /** While Market is unreachable after start, how often it is checked again; default STARTUP_RETRY_MS. */
  startupRetryMs?: number;
  /** Start-up lines that do not stop the start (Market unreachable, then answering); npm start prints them. */
  onNotice?: (line: string) => void;
  /** Health tuning (tests): how long Telegram may fail before /healthz answers 503 (default one minute). */
  health?: { telegramDownAfterMs?: number };
  /** Daily digest tuning (tests): how often the time is looked at. */
  digest?: { tickMs?: number; now?: () => number };
}

export interface Bridge {
  bot: Bot<Context>;
  db: OpenDb;
  market: MarketClient;
  limits: MarketLimits;
  relay: RelayQueue;
  /** Buyer -> Telegram sync; undefined when TELEGRAM_CHAT_ID is not set. */
  inbound: Inbound | undefined;
  /** Between push notifications and the sync; undefined without notifications or without the inbound sync. */
  notifyGate: NotifyGate | undefined;
  /** Ports the webhook and notification servers listen on, when they run. */
  ports: Intake['ports'];
  log: Logger;
  /** Resolves with one line when the bridge can no longer receive updates (Telegram refused polling for good). */
  fatal: Promise<string>;
  /**
   * Resolves (never rejects) if a start-up check that had to wait for Market refuses once Market answers (a key
   * without the scope, say): the bridge should then stop, as it would have at start.
   */
  failed: Promise<StartupError>;
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
      secrets: secretValues(config),
      format: chooseLogFormat(config.logFormat),
    });
  const db = openDatabase(config.databasePath);
  const metrics = new BridgeMetrics({ telegramDownAfterMs: opts.health?.telegramDownAfterMs });
  let intake: Intake | undefined;
  let stopSavingLimits = () => undefined as void;
  let relayQueue: RelayQueue | undefined;
  let reportFatal: (line: string) => void = () => undefined;
  const fatal = new Promise<string>((resolve) => (reportFatal = resolve));
  const stopRechecking = {
    stopped: false,
    timer: undefined as NodeJS.Timeout | undefined,
    stop() {
      this.stopped = true;
      clearTimeout(this.timer);
    },
  };
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
        partnerMessagesFrom: (chatId, from) => partnerMessagesFrom(market, chatId, from),
        blocked: (op) => limits.blocked(op, 'relay'),
      },
    }));
    // TELEGRAM_CHAT_ID followed through an upgrade to a supergroup (which gives the group a new id).
    const group = new GroupChatId(db.db, config.telegram.chatId);
    const moved = group.pendingConfigChange();
    if (moved) {
      log.warn(moved, `TELEGRAM_CHAT_ID ${moved.from} became a supergroup with a new id; posting there. Put TELEGRAM_CHAT_ID=${moved.to} in the settings`);
    }
    const services: Services = {
      config,
      db: db.db,
      log,
      relay,
      chats: new MarketChats({ getChat: (chatId) => market.getChat(chatId, 'relay') }),
      group,
      isAdmin: (id) => id !== undefined && config.telegram.adminIds.has(id),
      secrets: secretValues(config),
      answers: new AnswerReport({ db: db.db, businessId: config.market.businessId }),
    };
    mountFeatures(bot, services);
    bot.api.config.use(followGroupUpgrade(services, () => bot.api));

    // ---- Inbound sync (buyer -> Telegram): started after polling, stopped before the database closes ----
    const inbound = createInbound({ config, db: db.db, log, api: bot.api, market, limits, options: opts.inbound, group });
    if (inbound) services.onGroupMoved = () => inbound.groupMoved();
    if (inbound) services.presence = inbound.presence;
    const notifyGate =
      inbound && config.market.notifyPort !== undefined
        ? new NotifyGate({
            sync: (chatId, reason) => inbound.syncChat(chatId, reason),
            isKnown: (chatId) => isKnownMarketChat(db.db, chatId),
            log,
            options: opts.notifyGate,
          })
        : undefined;
    metrics.attach({ db: db.db, limits, relayQueuedChats: () => relay.queuedChats });
    const health =
      config.healthPort === undefined
        ? undefined
        : { port: config.healthPort, routes: healthRoutes(metrics, () => (db.sqlite.open ? db.db : undefined)) };

    const checkMs = opts.startupCheckMs ?? STARTUP_CHECK_MS;
    const notice = (line: string, level: 'info' | 'warn' = 'warn') => {
      log[level](line);
      opts.onNotice?.(line);
    };
    const teamChat = group.current();
    await checkTelegram(bot, config, log, checkMs, teamChat, teamChat !== undefined && wasPausedIn(db.db, teamChat));
    const marketDown = await checkMarket(market, config, log, checkMs);
    if (marketDown !== undefined) notice(t('startup.marketUnreachable', { url: config.market.apiUrl, why: marketDown }));
    await bot.api.setMyCommands(COMMANDS).catch((err: unknown) => log.warn({ err: describe(err) }, 'setMyCommands failed'));

    relay.resume();
    try {
      intake = await startIntake({
        bot,
        config,
        log,
        inbound,
        notifyGate,
        pollTimeoutSeconds: opts.pollTimeoutSeconds,
        db: db.db,
        dispatch: opts.dispatch,
        onFatal: reportFatal,
        health,
      });
    } catch (err) {
      if (err instanceof IntakeError) throw new StartupError([err.message]);
      throw err;
    }
    await inbound?.start();
    const digest =
      config.digestAt && services.answers
        ? new DailyDigest({ api: bot.api, db: db.db, log, report: services.answers, businessId: config.market.businessId, at: config.digestAt, chatId: () => group.current(), ...opts.digest })
        : undefined;
    digest?.start();
    log.info({ bot: bot.botInfo.username, businessId: config.market.businessId }, 'market-bridge started');

    // Market could not be asked at start: the bridge runs (replies wait in the queue) and keeps asking.
    let reportFailure: (err: StartupError) => void = () => undefined;
    const failed = new Promise<StartupError>((r) => (reportFailure = r));
    if (marketDown !== undefined) {
      const since = Date.now();
      const retryMs = opts.startupRetryMs ?? STARTUP_RETRY_MS;
      const recheck = async () => {
        try {
          const why = await checkMarket(market, config, log, checkMs);
          if (stopRechecking.stopped) return;
          if (why === undefined) {
            notice(t('startup.marketAnswers', { url: config.market.apiUrl }), 'info');
            return;
          }
          notice(t('startup.marketStillUnreachable', { url: config.market.apiUrl, why, since }));
          stopRechecking.timer = setTimeout(() => void recheck(), retryMs);
        } catch (err) {
          if (stopRechecking.stopped) return;
          if (err instanceof StartupError) reportFailure(err);
          else log.error({ err: describe(err) }, 'Market start-up check failed');
        }
      };
      stopRechecking.timer = setTimeout(() => void recheck(), retryMs);
    }

    let stopping: Promise<void> | undefined;
    const started = intake;
    return {
      bot,
      db,
      market,
      limits,
      relay,
      inbound,
      notifyGate,
      ports: intake.ports,
      log,
      fatal,
      failed,
      metrics,
      stop: () =>
        (stopping ??= (async () => {
          stopRechecking.stop();
          log.info('stopping: no new updates; finishing requests in flight');
          await started.stop(graceMs);
          await digest?.stop();
          notifyGate?.close();
          await inbound?.stop(graceMs);
          await relay.close(graceMs);
          stopSavingLimits();
          saveLimits();
          db.close();
          log.info('stopped');
        })()),
    };
  } catch (err) {
    stopRechecking.stop();
    await intake?.stop();
    await relayQueue?.close(0);
    stopSavingLimits();
    db.close();
    throw err;
  }
}

/** The database, or one start-up line naming DATABASE_PATH (missing directory, read-only, not a database, in use). */
function openDatabase(path: string): OpenDb {
  try {
    return openDb(path);
  } catch (err) {
    if (err instanceof DatabaseOpenError) {
      throw new StartupError([t('startup.database', { path, problem: err.problem, detail: err.detail })]);
    }
    throw err;
  }
}

/**
 * Fails start-up with one clear line when Telegram refuses the token, cannot be reached within `timeoutMs` (a wrong
 * TELEGRAM_API_ROOT, api.telegram.org blocked), or TELEGRAM_CHAT_ID is a chat the bot is not in. grammY's own
 * bot.init() would retry getMe forever in silence, so getMe is called here under a deadline.
 */
async function checkTelegram(
  bot: Bot<Context>,
  config: Config,
  log: Logger,
  timeoutMs: number,
  /** The team chat to check: TELEGRAM_CHAT_ID (as followed through a group's upgrade, where that is known). */
  chatId: number | undefined,
  /** The bridge recorded being removed from that chat: waiting for the bot to be back, not a wrong id. */
  removedEarlier = false,
): Promise<void> {
  try {
    bot.botInfo = await withDeadline(timeoutMs, (signal) => bot.api.getMe(grammySignal(signal)));
  } catch (err) {
    if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
      throw new StartupError([t('startup.telegramRefused', { status: err.error_code, description: err.description })]);
    }
    throw new StartupError([t('startup.telegramUnreachable', { root: config.telegram.apiRoot, why: telegramFailure(err) })]);
  }
  await checkChat(bot, chatId, log, timeoutMs, removedEarlier);
}

/** grammY types its signals with the abort-controller shim; Node's own AbortSignal is what it gets at run time. */
const grammySignal = (signal: AbortSignal) => signal as unknown as Parameters<Bot['api']['getMe']>[0];

/** Why Telegram could not be asked, in a few words (the network error's code; never the URL: it holds the token). */
function telegramFailure(err: unknown): string {
  if (err instanceof DeadlineError) return err.message;
  if (err instanceof HttpError) {
    const inner = err.error as { code?: unknown; cause?: { code?: unknown } } | undefined;
    const code = inner?.code ?? inner?.cause?.code;
    return typeof code === 'string' ? `could not connect (${code})` : 'could not connect';
  }
  if (err instanceof GrammyError) return `Telegram answered ${err.error_code} ${err.description}`;
  return describe(err).message;
}

/**
 * TELEGRAM_CHAT_ID must be a chat the bot is in: Telegram's refusal of getChat (400 "chat not found", 403 "bot was
 * kicked"), or the bot's own membership being "left" or "kicked", stops the start. A network failure here only
 * warns: getMe has just answered, and posting will tell.
 */
async function checkChat(
  bot: Bot<Context>,
  chatId: number | undefined,
  log: Logger,
  timeoutMs: number,
  removedEarlier: boolean,
): Promise<void> {
  if (chatId === undefined) return;
  try {
    await checkChatMembership(bot, chatId, log, timeoutMs);
  } catch (err) {
    // Removed after it worked there: buyer messages are kept and posted when the bot is back (the presence watch).
    if (!(err instanceof StartupError) || !removedEarlier) throw err;
    log.warn({ tgChatId: chatId }, 'the bot is still not in TELEGRAM_CHAT_ID; buyer messages are recorded and posted once it is back');
  }
}

async function checkChatMembership(bot: Bot<Context>, chatId: number, log: Logger, timeoutMs: number): Promise<void> {
  try {
    const chat = await withDeadline(timeoutMs, (signal) => bot.api.getChat(chatId, grammySignal(signal)));
    if (chat.type === 'private') return;
    const me = await withDeadline(timeoutMs, (signal) => bot.api.getChatMember(chatId, bot.botInfo.id, grammySignal(signal)));
    if (me.status === 'left' || me.status === 'kicked') {
      throw new StartupError([t('startup.chatNotJoined', { chatId, status: me.status })]);
    }
  } catch (err) {
    if (err instanceof StartupError) throw err;
    // A group upgraded to a supergroup is a chat the bot is in under a new id: it is followed there, not refused.
    const upgraded = err instanceof GrammyError && err.parameters.migrate_to_chat_id !== undefined;
    if (err instanceof GrammyError && !upgraded && (err.error_code === 400 || err.error_code === 403)) {
      throw new StartupError([t('startup.chatRefused', { chatId, description: err.description })]);
    }
    log.warn({ tgChatId: chatId, err: describe(err) }, 'could not check TELEGRAM_CHAT_ID with Telegram at start; continuing');
  }
}

/**
 * Checks the Api-Key at start-up rather than at the first reply: it must be valid, carry the `communication`
 * (or all-methods) scope, and belong to MARKET_BUSINESS_ID. Returns why Market could not be asked (no answer within
 * `timeoutMs`, a network error, a 5xx ...): the bridge then starts anyway (replies queue until Market answers) and
 * asks again later.
 */
async function checkMarket(market: MarketClient, config: Config, log: Logger, timeoutMs: number): Promise<string | undefined> {
  const problems: string[] = [];
  try {
    const token = await withDeadline(timeoutMs, () => market.getTokenInfo());
    if (!token.scopes.some((s) => s === 'COMMUNICATION' || s === 'ALL_METHODS')) {
      problems.push(t('startup.marketScope', { scopes: token.scopes }));
    }
    const businesses = await withDeadline(timeoutMs, () => market.getBusinessIds());
    if (businesses.length > 0 && !businesses.includes(config.market.businessId)) {
      problems.push(t('startup.marketBusiness', { businessId: config.market.businessId, businesses }));
    }
  } catch (err) {
    if (err instanceof MarketError && (err.kind === 'unauthorized' || err.kind === 'forbidden')) {
      problems.push(t('startup.marketKeyRefused', { status: err.status, code: err.code }));
    } else {
      log.warn({ err: describe(err) }, 'could not check the Api-Key with Market at start; continuing');
      if (problems.length === 0) return marketFailure(err);
    }
  }
  if (problems.length > 0) throw new StartupError(problems);
  return undefined;
}

/** Why Market could not be asked, in a few words. */
function marketFailure(err: unknown): string {
  if (err instanceof DeadlineError) return err.message;
  if (err instanceof MarketError) {
    const words = technical({ status: err.status, code: err.code, detail: err.detail });
    return err.kind === 'network' || err.kind === 'timeout' ? words || err.kind : `${err.kind.replace('_', ' ')}: ${words}`;
  }
  return describe(err).message;
}
