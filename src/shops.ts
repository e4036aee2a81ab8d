/**
 * Several shops in one bot. Each Api-Key of MARKET_API_KEY belongs to one cabinet (business); at start each key's
 * business, name and campaigns are found (GET /v2/campaigns) and its scopes checked (POST /v2/auth/token). One `Shop`
 * per business then gets everything Market counts per business: its own client (its key), its own MarketLimits (4 in
 * flight, hourly quotas), its own relay queue, sync and chat look-ups, so a 420 or an outage of one shop never slows
 * another. Per-shop services (order cards, reviews...) plug in as one more field built in `buildShop`.
 */
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import { eq, sql } from 'drizzle-orm';
import { deleteKv, getKv, setKv } from './db/kv.js';
import { anchors, inboundMessages, marketChats, relays, threads } from './db/schema.js';
import { shopKey, SYNC_KV_KEYS } from './bridge/sync.js';
import type { Logger } from './logger.js';
import { MarketClient } from './market/client.js';
import { MarketError } from './market/errors.js';
import { MarketLimits, type LimitsOptions } from './market/limits.js';
import { partnerMessagesFrom } from './bridge/history.js';
import { MarketChats } from './bridge/chats.js';
import { RelayQueue, type RelayEcho, type RelayFiles, type RelayPolicy } from './bridge/relay.js';
import type { GroupChatId } from './bridge/group.js';
import { appearsIn } from './bridge/destination.js';
import type { ShopInbound } from './inbound.js';
import { t } from './texts.js';
import { withDeadline } from './util/deadline.js';

/** What GET /v2/campaigns and POST /v2/auth/token said about one business's key. */
export interface ShopAccount {
  businessId: number;
  /** The business's name as Market shows it; `business <id>` when Market could not be asked. */
  name: string;
  campaigns: readonly { id: number; domain?: string }[];
  apiKey: string;
  /** 1-based position of the key in MARKET_API_KEY, for start-up lines (never the key itself). */
  keyIndex: number;
  /** The key's scopes (POST /v2/auth/token); undefined when Market could not be asked at start. */
  scopes?: readonly string[];
}

export interface Shop extends ShopAccount {
  client: MarketClient;
  limits: MarketLimits;
  relay: RelayQueue;
  /** Market chat look-ups for commands (/link), through the core. */
  chats: MarketChats;
  /** Buyer -> Telegram sync of this shop; undefined without a destination (TELEGRAM_CHAT_ID). */
  inbound?: ShopInbound;
  saveLimits(): void;
}

/** The shops of this process, keyed by business id. */
export class Shops {
  private readonly byId: Map<number, Shop>;
  constructor(list: readonly Shop[]) {
    this.byId = new Map(list.map((s) => [s.businessId, s]));
  }
  all(): readonly Shop[] {
    return [...this.byId.values()];
  }
  get(businessId: number): Shop | undefined {
    return this.byId.get(businessId);
  }
  /** The shop a one-shop setup has (and the one older single-shop code paths use). */
  first(): Shop {
    return this.byId.values().next().value!;
  }
  get size(): number {
    return this.byId.size;
  }
}

/** Whether a Telegram chat hosts more than one shop: topic titles and cards then carry the shop's name. */
export function hostsSeveral(shops: Shops, db: Db, group: GroupChatId, tgChatId: number): boolean {
  return shops.all().filter((s) => appearsIn(db, group, s.businessId, tgChatId)).length > 1;
}

export type Discovery =
  | { ok: true; accounts: ShopAccount[] }
  /** Market could not be asked (network, timeout, 5xx): why, in a few words. */
  | { ok: false; down: unknown };

/**
 * Finds each key's business. Two keys of the same business are one shop: the first key listed is used (the other
 * is only checked). A key Market refuses, one without the communication scope, or one with no campaign stops the
 * start with one line naming the key's position. With one key, MARKET_BUSINESS_ID (when given) must be its business;
 * with several, it must be one of theirs.
 */
export async function discoverShops(
  config: Config,
  opts: { timeoutMs: number; requestTimeoutMs: number; onAnswer?: ShopDeps['onAnswer'] },
): Promise<Discovery> {
  const problems: string[] = [];
  const accounts: ShopAccount[] = [];
  for (const [i, apiKey] of config.market.apiKeys.entries()) {
    const keyIndex = i + 1;
    // Not yet any business's client: the two calls that tell which business this is (neither is business-scoped).
    const probe = new MarketClient({ baseUrl: config.market.apiUrl, apiKey, businessId: 0, limits: new MarketLimits(), timeoutMs: opts.requestTimeoutMs, onAnswer: opts.onAnswer });
    try {
      const token = await withDeadline(opts.timeoutMs, () => probe.getTokenInfo());
      if (!token.scopes.some((s) => s === 'COMMUNICATION' || s === 'ALL_METHODS')) {
        problems.push(
          config.market.apiKeys.length === 1
            ? t('startup.marketScope', { scopes: token.scopes })
            : t('startup.marketScopeOf', { key: keyIndex, scopes: token.scopes.join(', ') }),
        );
        continue;
      }
      const campaigns = await withDeadline(opts.timeoutMs, () => probe.getCampaigns());
      const businessIds = [...new Set(campaigns.map((c) => c.business?.id).filter((id): id is number => id !== undefined))];
      // A key is bound to one cabinet; should Market ever list more, MARKET_BUSINESS_ID picks among them.
      const businessId =
        config.market.businessId !== undefined && businessIds.includes(config.market.businessId) ? config.market.businessId : businessIds[0];
      if (businessId === undefined) {
        if (config.market.apiKeys.length === 1 && config.market.businessId !== undefined) {
          // Today's behaviour: a key whose campaigns say nothing is taken at MARKET_BUSINESS_ID's word.
          accounts.push({ businessId: config.market.businessId, name: `business ${config.market.businessId}`, campaigns: [], apiKey, keyIndex, scopes: token.scopes });
        } else problems.push(t('startup.marketNoBusiness', { key: keyIndex }));
        continue;
      }
      if (config.market.apiKeys.length === 1 && config.market.businessId !== undefined && businessId !== config.market.businessId) {
        problems.push(t('startup.marketBusiness', { businessId: config.market.businessId, businesses: businessIds }));
        continue;
      }
      if (accounts.some((a) => a.businessId === businessId)) continue; // the same cabinet's second key: one shop
      const own = campaigns.filter((c) => c.business?.id === businessId);
      accounts.push({
        businessId,
        name: own.find((c) => c.business?.name)?.business?.name ?? `business ${businessId}`,
        campaigns: own.filter((c) => c.id !== undefined).map((c) => ({ id: c.id!, ...(c.domain ? { domain: c.domain } : {}) })),
        apiKey,
        keyIndex,
        scopes: token.scopes,
      });
    } catch (err) {
      if (err instanceof MarketError && (err.kind === 'unauthorized' || err.kind === 'forbidden')) {
        problems.push(
          config.market.apiKeys.length === 1
            ? t('startup.marketKeyRefused', { status: err.status, code: err.code })
            : t('startup.marketKeyRefusedOf', { key: keyIndex, status: err.status, code: err.code }),
        );
        continue;
      }
      if (problems.length > 0) break;
      return { ok: false, down: err };
    }
  }
  if (problems.length === 0 && config.market.apiKeys.length > 1 && config.market.businessId !== undefined) {
    if (!accounts.some((a) => a.businessId === config.market.businessId)) {
      problems.push(
        t('startup.businessNotListed', { businessId: config.market.businessId, businesses: accounts.map((a) => a.businessId).join(', ') }),
      );
    }
  }
  if (problems.length > 0) throw new ShopsProblem(problems);
  return { ok: true, accounts };
}

/** Start-up lines about the keys; app.ts turns them into its StartupError. */
export class ShopsProblem extends Error {
  override readonly name = 'ShopsProblem';
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** Where each shop's quota windows are kept across restarts (kv); a one-shop database's key is renamed on upgrade. */
export const LIMITS_KEY = 'market.limits';
export const limitsKey = (businessId: number) => `${LIMITS_KEY}@${businessId}`;

export interface ShopDeps {
  config: Config;
  db: Db;
  log: Logger;
  limits?: LimitsOptions;
  marketTimeoutMs: number;
  relayPolicy: Partial<RelayPolicy>;
  echo: RelayEcho;
  files: RelayFiles;
  onAnswer?: (op: Parameters<NonNullable<ConstructorParameters<typeof MarketClient>[0]['onAnswer']>>[0], status: number | 'network') => void;
}

/** One shop's client, limits, relay queue and chat look-ups. */
export function buildShop(account: ShopAccount, deps: ShopDeps): Shop {
  const { config, db, log: rootLog } = deps;
  const log = rootLog.child({ businessId: account.businessId });
  const limits = new MarketLimits(deps.limits);
  const saved = getKv(db, limitsKey(account.businessId));
  if (saved) limits.restore(JSON.parse(saved) as Parameters<MarketLimits['restore']>[0]);
  const client = new MarketClient({
    baseUrl: config.market.apiUrl,
    apiKey: account.apiKey,
    businessId: account.businessId,
    limits,
    timeoutMs: deps.marketTimeoutMs,
    onAnswer: deps.onAnswer,
  });
  const relay = new RelayQueue({
    db,
    businessId: account.businessId,
    log,
    policy: deps.relayPolicy,
    echo: deps.echo,
    files: deps.files,
    market: {
      sendMessage: (chatId, text) => client.sendMessage(chatId, text),
      sendFile: (chatId, file) => client.sendFile(chatId, file),
      partnerMessagesFrom: (chatId, from) => partnerMessagesFrom(client, chatId, from),
      blocked: (op) => limits.blocked(op, 'relay'),
    },
  });
  return {
    ...account,
    client,
    limits,
    relay,
    chats: new MarketChats({ getChat: (chatId) => client.getChat(chatId, 'relay') }),
    saveLimits: () => setKv(db, limitsKey(account.businessId), JSON.stringify(limits.snapshot())),
  };
}

/** Tables whose rows carry a business id; a one-shop database's rows have 0 there after migration 0009. */
const SHOP_TABLES = [threads, anchors, relays, marketChats, inboundMessages] as const;

/** Whether the database holds rows of the one-shop version whose business is not recorded yet. */
export function hasUnownedRows(db: Db): boolean {
  return (
    SHOP_TABLES.some((table) => db.select({ one: sql<number>`1` }).from(table).where(eq(table.businessId, 0)).limit(1).get() !== undefined) ||
    [LIMITS_KEY, ...SYNC_KV_KEYS].some((key) => getKv(db, key) !== undefined)
  );
}

/**
 * Gives a one-shop database's rows (business id 0) and its kv cursors (quota windows, sync milestones) to the business
 * the bot served before, in one transaction, so no link, cursor, ledger row or inbox row is lost. Run at start,
 * before any shop service reads the database; a no-op once done.
 */
export function adoptUnownedRows(db: Db, businessId: number, now = Date.now()): number {
  return db.transaction((tx) => {
    let moved = 0;
    for (const table of SHOP_TABLES) moved += tx.update(table).set({ businessId }).where(eq(table.businessId, 0)).run().changes;
    for (const key of [LIMITS_KEY, ...SYNC_KV_KEYS]) {
      const value = getKv(tx as unknown as Db, key);
      if (value === undefined) continue;
      const target = key === LIMITS_KEY ? limitsKey(businessId) : shopKey(key, businessId);
      if (getKv(tx as unknown as Db, target) === undefined) setKv(tx as unknown as Db, target, value, now);
      deleteKv(tx as unknown as Db, key);
      moved++;
    }
    return moved;
  });
}

/**
 * Which business a one-shop database's rows belong to: MARKET_BUSINESS_ID when given (the one-shop version required
 * it), else the only shop. With several shops and no MARKET_BUSINESS_ID it is not guessed: undefined.
 */
export function previousBusiness(config: Config, accounts: readonly ShopAccount[]): number | undefined {
  if (config.market.businessId !== undefined) return config.market.businessId;
  return accounts.length === 1 ? accounts[0]!.businessId : undefined;
}
