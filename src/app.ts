/**
 * The composition root shared by `npm start` and the end-to-end tests: config -> database -> Market client ->
 * relay queue -> bot -> polling. Returns a handle whose stop() shuts down in order.
 */
import { createHash } from 'node:crypto';
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
import { ShopTemplates } from './bridge/templates.js';
import { MarketChats } from './bridge/chats.js';
import { GroupChatId } from './bridge/group.js';
import { followGroupUpgrade } from './telegram/features/migration.js';
import { wasPausedIn } from './telegram/presence.js';
import { isKnownMarketChat } from './db/known-chats.js';
import { isMember } from './db/team.js';
import { appearsIn } from './bridge/destination.js';
import type { Db } from './db/open.js';
import { createBot, mountFeatures } from './telegram/bot.js';
import { describe, TelegramEcho } from './telegram/echo.js';
import { TelegramFiles } from './telegram/files.js';
import { commandsMenu } from './telegram/features/help.js';
import { LANGUAGES } from './languages.js';
import type { Services } from './telegram/services.js';
import { createInbound, type Inbound, type InboundOptions } from './inbound.js';
import {
  adoptUnownedRows,
  buildShop,
  discoverShops,
  hasUnownedRows,
  previousBusiness,
  Shops,
  ShopsProblem,
  type Discovery,
  type ShopAccount,
} from './shops.js';
import { createFeedback } from './feedback.js';
import type { FeedbackDesk, FeedbackOptions } from './bridge/feedback.js';
import { IntakeError, startIntake, type Intake } from './intake.js';
import type { DispatchPolicy } from './telegram/dispatch.js';
import { configureTexts, t, technical, withLanguageNow } from './texts.js';
import { DeadlineError, withDeadline } from './util/deadline.js';
import { BridgeMetrics } from './metrics.js';
import { healthRoutes } from './health.js';
import { ChatTranslation } from './bridge/translation.js';
import { createTranslator, type TranslatorOptions } from './translate/index.js';
import { AnswerReport } from './bridge/answer-report.js';
import { DailyDigest } from './telegram/digest.js';
import { workingMsBetween } from './bridge/work-hours.js';

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
  /** Told the start-up line that lists the shops and where their chats go (npm start prints it). */
  onStarted?: (line: string) => void;
  /** Health tuning (tests): how long Telegram may fail before /healthz answers 503 (default one minute). */
  health?: { telegramDownAfterMs?: number };
  /** Translation provider tuning (tests lower the retry waits and pauses). */
  translate?: Partial<TranslatorOptions>;
  /** Reviews and product questions: polling, checks and retries (tests lower them). */
  feedback?: Partial<FeedbackOptions>;
  /** Answer templates: the shop's name for {shop} and the zone of {date} (the lead wires shop.name and BOT_TIMEZONE). */
  templates?: { shopName?: string; timeZone?: string };
  /** Daily digest tuning (tests): how often the time is looked at. */
  digest?: { tickMs?: number; now?: () => number };
}

export interface Bridge {
  bot: Bot<Context>;
  db: OpenDb;
  /** The first shop's client, limits and relay queue (a one-shop setup's only ones). */
  market: MarketClient;
  limits: MarketLimits;
  relay: RelayQueue;
  /** Every shop of this process. */
  shops: Shops;
  /** Buyer -> Telegram sync, per shop; a shop without a place (/setup, TELEGRAM_CHAT_ID) posts nothing yet. */
  inbound: Inbound;
  /** Between push notifications and the sync; undefined without notifications or without the inbound sync. */
  notifyGate: NotifyGate | undefined;
  /** Reviews and product questions of the shop; undefined without TELEGRAM_CHAT_ID or when turned off. */
  feedback: FeedbackDesk | undefined;
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
  configureTexts({ language: config.language, timeZone: config.timeZone });
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
  let shopsBuilt: Shops | undefined;
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
    const marketTimeoutMs = opts.marketTimeoutMs ?? config.market.timeoutMs;
    // Requests already on the wire get their full timeout to come back before the database closes.
    const graceMs = opts.shutdownGraceMs ?? marketTimeoutMs + 1_000;
    const checkMs = opts.startupCheckMs ?? STARTUP_CHECK_MS;
    const bot = createBot(config, log, { observe: metrics.telegramTransformer() });
    // TELEGRAM_CHAT_ID followed through an upgrade to a supergroup (which gives the group a new id).
    const group = new GroupChatId(db.db, config.telegram.chatId);
    const moved = group.pendingConfigChange();
    if (moved) {
      log.warn(moved, `TELEGRAM_CHAT_ID ${moved.from} became a supergroup with a new id; posting there. Put TELEGRAM_CHAT_ID=${moved.to} in the settings`);
    }

    // Telegram first (as before the shops): a refused token stops the start before Market is asked anything. The
    // group-upgrade transformer is in place for this check; it sees the full services once they exist.
    let services: Services | undefined;
    const early = { config, db: db.db, log, group } as Partial<Services>;
    const lateServices = new Proxy({} as Services, { get: (_t, k: string) => ((services ?? early) as Record<string, unknown>)[k] });
    bot.api.config.use(followGroupUpgrade(lateServices, () => bot.api));
    // Said before the checks (it was the first line before the shops were found at start).
    if (config.telegram.chatId === undefined) {
      log.info('TELEGRAM_CHAT_ID is not set: buyer chats appear only where an owner places them with /setup (/link and replies work anywhere)');
    }
    const teamChat = group.current();
    await checkTelegram(bot, config, log, checkMs, teamChat, teamChat !== undefined && wasPausedIn(db.db, teamChat));

    // ---- The shops: each key's business found at start (and its scopes checked), one Shop per business ----
    const discovery = await findShops(config, db.db, log, checkMs, marketTimeoutMs, (op, status) => metrics.marketAnswer(op, status));
    const marketDown = discovery.down === undefined ? undefined : marketFailure(discovery.down);
    if (discovery.down !== undefined) log.warn({ err: describe(discovery.down) }, 'could not check the Api-Key with Market at start; continuing');
    const accounts = discovery.accounts;
    if (hasUnownedRows(db.db)) {
      const previous = previousBusiness(config, accounts);
      if (previous === undefined) {
        throw new StartupError([t('startup.legacyBusiness', { businesses: accounts.map((a) => a.businessId).join(', ') })]);
      }
      const adopted = adoptUnownedRows(db.db, previous);
      log.info({ businessId: previous, rows: adopted }, 'database of the one-shop version: its rows now belong to this business');
    }
    const echo = metrics.wrapEcho(new TelegramEcho({ api: bot.api, db: db.db, log }));
    const files = new TelegramFiles({ api: bot.api, token: config.telegram.token, apiRoot: config.telegram.apiRoot });
    const shops = new Shops(
      accounts.map((account) =>
        buildShop(account, {
          config,
          db: db.db,
          log,
          limits: opts.limits,
          marketTimeoutMs,
          // History is trusted to show an unanswered send only once Market can no longer be working on it.
          relayPolicy: { reconcileAfterMs: marketTimeoutMs + 10_000, ...opts.relayPolicy },
          echo,
          files,
          onAnswer: (op, status) => metrics.marketAnswer(op, status, account.businessId),
        }),
      ),
    );
    shopsBuilt = shops;
    const firstShop = shops.first();
    const market = firstShop.client;
    const limits = firstShop.limits;
    const relay = firstShop.relay;
    // Quota counts survive a restart: saved now and then and at stop, taken back in buildShop.
    const saveLimits = () => {
      for (const shop of shops.all()) shop.saveLimits();
    };
    const limitsTimer = setInterval(saveLimits, LIMITS_SAVE_MS);
    limitsTimer.unref();
    stopSavingLimits = () => clearInterval(limitsTimer);
    services = {
      config,
      db: db.db,
      log,
      relay,
      chats: firstShop.chats,
      group,
      isOwner: (id) => id !== undefined && config.telegram.adminIds.has(id),
      isTeam: (id) => id !== undefined && (config.telegram.adminIds.has(id) || isMember(db.db, id)),
      secrets: secretValues(config),
      shops: () => shops.all().map((s) => ({ businessId: s.businessId, name: s.name })),
      relayFor: (businessId) => shops.get(businessId)?.relay,
      chatsFor: (businessId) => shops.get(businessId)?.chats,
      shopsIn: (tgChatId) =>
        shops
          .all()
          .filter((s) => shops.size === 1 || tgChatId > 0 || appearsIn(db.db, group, s.businessId, tgChatId))
          .map((s) => ({ businessId: s.businessId, name: s.name })),
    };
    // Answer statistics (/stats, the digest): per shop, first replies counted in working hours when WORK_HOURS is set.
    const answers = new Map(
      shops.all().map((shop) => [
        shop.businessId,
        new AnswerReport({
          db: db.db,
          businessId: shop.businessId,
          timeZone: config.timeZone,
          countsFeedback: config.feedbackPollMs > 0,
          ...(config.desk.workHours
            ? { duration: (from: number, to: number) => workingMsBetween(from, to, config.desk.workHours, config.timeZone) }
            : {}),
        }),
      ]),
    );
    services.answersFor = (businessId) => answers.get(businessId);
    // Answer templates: per shop, sent through that shop's relay; {shop} is its name, {date} in BOT_TIMEZONE.
    const shopTemplates = new Map(
      shops
        .all()
        .map((shop) => [
          shop.businessId,
          new ShopTemplates({ db: db.db, log, relay: shop.relay, businessId: shop.businessId, shopName: shop.name, timeZone: config.timeZone, ...opts.templates }),
        ]),
    );
    services.templatesFor = (businessId) => shopTemplates.get(businessId);
    const translator = createTranslator(config.translate, opts.translate);
    if (translator) {
      // One per shop: a seller's translated reply goes through the relay of the shop its thread belongs to.
      const translations = new Map(
        shops.all().map((shop) => [shop.businessId, new ChatTranslation({ db: db.db, businessId: shop.businessId, translator, relay: shop.relay, log })]),
      );
      services.translation = translations.get(firstShop.businessId);
      services.translationFor = (businessId) => translations.get(businessId);
    }
    mountFeatures(bot, services);

    // ---- Inbound sync (buyer -> Telegram): started after polling, stopped before the database closes ----
    const inbound = createInbound({
      config,
      db: db.db,
      log,
      api: bot.api,
      shops,
      options: opts.inbound,
      group,
      translationFor: services.translationFor,
    });
    for (const shop of shops.all()) shop.inbound = inbound.shops.get(shop.businessId);
    services.onGroupMoved = () => inbound.groupMoved();
    services.botMemberChanged = (tgChatId, member, title) => inbound.memberChanged(tgChatId, member, title);
    services.placesChanged = () => inbound.placeChanged();
    // Reviews and product questions: one desk per shop, posting where that shop's chats appear.
    const feedbackDesks = new Map<number, FeedbackDesk>();
    for (const shop of shops.all()) {
      const part = inbound.shops.get(shop.businessId)!;
      const desk = createFeedback({
        config,
        db: db.db,
        log,
        api: bot.api,
        market: shop.client,
        businessId: shop.businessId,
        outbox: inbound.outbox,
        ready: () => part.ready(),
        tgChatId: () => part.where() ?? 0,
        options: opts.feedback,
        marketTimeoutMs,
      });
      if (!desk) continue;
      feedbackDesks.set(shop.businessId, desk);
      part.onBack(() => desk.showPending());
    }
    services.feedback = (businessId) => feedbackDesks.get(businessId);
    // A notification names its business: each shop has its own gate before its own sync (a chat id is unique only
    // within its business); a notification of a business that is not a shop here is answered and ignored.
    const notifyGates = new Map<number, NotifyGate>();
    if (config.market.notifyPort !== undefined) {
      for (const shop of shops.all()) {
        const part = inbound.shops.get(shop.businessId)!;
        notifyGates.set(
          shop.businessId,
          new NotifyGate({
            sync: (chatId, reason) => part.syncChat(chatId, reason),
            isKnown: (chatId) => isKnownMarketChat(db.db, shop.businessId, chatId),
            log: log.child({ businessId: shop.businessId }),
            options: opts.notifyGate,
          }),
        );
      }
    }
    const notifyGate = notifyGates.get(firstShop.businessId);
    metrics.attach({ db: db.db, shops: shops.all(), relayQueuedChats: () => shops.all().reduce((n, s) => n + s.relay.queuedChats, 0) });
    const health =
      config.healthPort === undefined
        ? undefined
        : { port: config.healthPort, routes: healthRoutes(metrics, () => (db.sqlite.open ? db.db : undefined)) };

    const notice = (line: string, level: 'info' | 'warn' = 'warn') => {
      log[level](line);
      opts.onNotice?.(line);
    };
    if (marketDown !== undefined) notice(t('startup.marketUnreachable', { url: config.market.apiUrl, why: marketDown }));
    // The menu in each language (Telegram shows the one matching the user's app language), BOT_LANGUAGE for the rest.
    // Registered before the first update is taken (a seller's first /help finds the menu), the four side by side.
    await Promise.all(
      [undefined, ...LANGUAGES].map((lang) =>
        bot.api
          .setMyCommands(lang ? withLanguageNow(lang, commandsMenu) : commandsMenu(), lang ? { language_code: lang } : {})
          .catch((err: unknown) => log.warn({ err: describe(err), language: lang }, 'setMyCommands failed')),
      ),
    );

    for (const shop of shops.all()) shop.relay.resume();
    try {
      intake = await startIntake({
        bot,
        config,
        log,
        inbound,
        notifyGate,
        notifyGateFor: (businessId) => notifyGates.get(businessId),
        isShop: (businessId) => shops.get(businessId) !== undefined,
        feedback: (businessId) => feedbackDesks.get(businessId),
        pollTimeoutSeconds: opts.pollTimeoutSeconds,
        db: db.db,
        dispatch: opts.dispatch,
        onFatal: reportFatal,
        health,
        isTeam: services.isTeam,
      });
    } catch (err) {
      if (err instanceof IntakeError) throw new StartupError([err.message]);
      throw err;
    }
    // The keys' scopes, read once by the start-up check (no second getAuthTokenInfo): order cards need an order scope.
    for (const account of accounts) if (account.scopes) inbound.shops.get(account.businessId)?.orders.setScopes(account.scopes);
    await inbound.start();
    for (const desk of feedbackDesks.values()) desk.start();
    log.info(
      { bot: bot.botInfo.username, businessId: firstShop.businessId, shops: services.shops(), chatsGo: inbound.where() ?? null },
      'market-bridge started',
    );
    const firstPlace = inbound.where();
    const shopLine = t('shops.started', {
      list: shops.all().map((s) => `${s.name} (${s.businessId})`).join(', '),
      destination: firstPlace !== undefined ? String(firstPlace) : t('shops.nowhere'),
    });
    log.info({ shops: shops.all().map((s) => ({ businessId: s.businessId, name: s.name, campaigns: s.campaigns.map((c) => c.id) })) }, shopLine);
    opts.onStarted?.(shopLine);
    // Then one line per shop: where its buyer chats go, or the next step when nothing is set up yet.
    for (const shop of shops.all()) notice(startupWhere(shop, inbound.shops.get(shop.businessId)?.where(), group), 'info');
    // The daily digest: one per shop, in the place its chats appear (its General topic, or the private chat).
    const digests = config.digestAt
      ? shops.all().map(
          (shop) =>
            new DailyDigest({
              api: bot.api,
              db: db.db,
              log,
              report: answers.get(shop.businessId)!,
              businessId: shop.businessId,
              at: config.digestAt!,
              chatId: () => inbound.shops.get(shop.businessId)?.where(),
              ...opts.digest,
            }),
        )
      : [];
    for (const digest of digests) digest.start();

    // Market could not be asked at start: the bridge runs (replies wait in the queue) and keeps asking.
    let reportFailure: (err: StartupError) => void = () => undefined;
    const failed = new Promise<StartupError>((r) => (reportFailure = r));
    if (marketDown !== undefined) {
      const since = Date.now();
      const retryMs = opts.startupRetryMs ?? STARTUP_RETRY_MS;
      const recheck = async () => {
        try {
          const why = await checkMarket(market, config, log, checkMs, firstShop.businessId, discovery.remembered, (scopes) =>
            inbound.shops.get(firstShop.businessId)?.orders.setScopes(scopes),
          );
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
      shops,
      inbound,
      notifyGate,
      feedback: feedbackDesks.get(firstShop.businessId),
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
          await Promise.all(digests.map((digest) => digest.stop(graceMs)));
          for (const gate of notifyGates.values()) gate.close();
          await Promise.all([...feedbackDesks.values()].map((desk) => desk.close(graceMs)));
          await inbound.stop(graceMs);
          await Promise.all(shops.all().map((shop) => shop.relay.close(graceMs)));
          stopSavingLimits();
          saveLimits();
          db.close();
          log.info('stopped');
        })()),
    };
  } catch (err) {
    stopRechecking.stop();
    await intake?.stop();
    await Promise.all((shopsBuilt?.all() ?? []).map((shop) => shop.relay.close(0)));
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
async function checkMarket(
  market: MarketClient,
  config: Config,
  log: Logger,
  timeoutMs: number,
  businessId: number,
  /** The business was remembered from an earlier start (Market was down at this one). */
  remembered = false,
  /** Told the key's scopes once Market gave them (order cards need an order scope). */
  onScopes: (scopes: string[]) => void = () => undefined,
): Promise<string | undefined> {
  const problems: string[] = [];
  try {
    const token = await withDeadline(timeoutMs, () => market.getTokenInfo());
    onScopes(token.scopes);
    if (!token.scopes.some((s) => s === 'COMMUNICATION' || s === 'ALL_METHODS')) {
      problems.push(t('startup.marketScope', { scopes: token.scopes }));
    }
    const businesses = await withDeadline(timeoutMs, () => market.getBusinessIds());
    if (businesses.length > 0 && !businesses.includes(businessId)) {
      // Remembered from an earlier start while Market was down: the key was changed to another cabinet meanwhile.
      problems.push(
        remembered
          ? t('startup.businessChanged', { businessId: String(businessId), businesses: businesses.join(', ') })
          : t('startup.marketBusiness', { businessId, businesses }),
      );
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

/** Where the shops found at start are remembered (by a fingerprint of each key), for a start while Market is down. */
const SHOPS_KEY = 'market.discoveredShops';

interface RememberedShop {
  /** sha256 of the Api-Key, first 16 hex digits: tells which key it was without keeping the key. */
  key: string;
  businessId: number;
  name: string;
  campaigns: ShopAccount['campaigns'];
}

const fingerprint = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex').slice(0, 16);

/**
 * Finds the shops; the keys' problems become start-up lines. When Market cannot be asked, the shops found at an
 * earlier start with the same keys are used (replies wait until Market answers); one key with MARKET_BUSINESS_ID
 * starts as before; otherwise the business is unknown and nothing could be routed: one line says what to do.
 */
async function findShops(
  config: Config,
  db: Db,
  log: Logger,
  timeoutMs: number,
  requestTimeoutMs: number,
  onAnswer: (op: Parameters<BridgeMetrics['marketAnswer']>[0], status: number | 'network') => void,
): Promise<{ accounts: ShopAccount[]; down?: unknown; remembered?: boolean }> {
  let found: Discovery;
  try {
    found = await discoverShops(config, { timeoutMs, requestTimeoutMs, onAnswer });
  } catch (err) {
    if (err instanceof ShopsProblem) throw new StartupError(err.lines);
    throw err;
  }
  if (found.ok) {
    const remember: RememberedShop[] = found.accounts.map((a) => ({ key: fingerprint(a.apiKey), businessId: a.businessId, name: a.name, campaigns: a.campaigns }));
    setKv(db, SHOPS_KEY, JSON.stringify(remember));
    return { accounts: found.accounts };
  }
  const saved = JSON.parse(getKv(db, SHOPS_KEY) ?? '[]') as RememberedShop[];
  const accounts: ShopAccount[] = [];
  for (const [i, apiKey] of config.market.apiKeys.entries()) {
    const r = saved.find((x) => x.key === fingerprint(apiKey));
    if (r && !accounts.some((a) => a.businessId === r.businessId)) {
      accounts.push({ businessId: r.businessId, name: r.name, campaigns: r.campaigns, apiKey, keyIndex: i + 1 });
    }
  }
  const allKnown = config.market.apiKeys.every((k) => saved.some((x) => x.key === fingerprint(k)));
  if (allKnown && accounts.length > 0) {
    log.warn({ err: describe(found.down) }, 'could not ask Market for the Api-Key’s business; using the one found at an earlier start');
    return { accounts, down: found.down, remembered: true };
  }
  if (config.market.apiKeys.length === 1 && config.market.businessId !== undefined) {
    return { accounts: [offlineAccount(config)], down: found.down };
  }
  throw new StartupError([t('startup.businessUnknown', { url: config.market.apiUrl, why: marketFailure(found.down) })]);
}

/** The one shop of a one-key setup while Market cannot be asked: MARKET_BUSINESS_ID at its word. */
function offlineAccount(config: Config): ShopAccount {
  const businessId = config.market.businessId!;
  return { businessId, name: `business ${businessId}`, campaigns: [], apiKey: config.market.apiKey, keyIndex: 1 };
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

/** A shop's start-up line: where its buyer chats go (or the next step when nothing is set up yet). */
function startupWhere(shop: { businessId: number; name: string }, where: number | undefined, group: GroupChatId): string {
  if (where === undefined) return t('startup.nowhere', { name: shop.name, businessId: String(shop.businessId) });
  return t('startup.chatsGo', {
    name: shop.name,
    businessId: String(shop.businessId),
    chatId: String(where),
    how: where === group.current() ? 'config' : 'setup',
  });
}
