/**
 * Every sentence a seller reads, keyed, in English, Russian and Chinese: Fluent files in locales/ (`<lang>.ftl`
 * and `<lang>.<area>.ftl`, the layout @grammyjs/i18n reads; test/unit/texts.test.ts keeps it so). The call shape is
 * `t('area.key', params)`: the key's dots become hyphens for the Fluent id (`relay.button.resend` ->
 * `relay-button-resend`). The language is not passed around: it comes from the scope the caller runs in
 * (`withLanguage`), entered where work for one Telegram chat starts (an update, a sync for a destination chat, a
 * relay's echo, start-up). Plain text: no parse_mode, so nothing needs escaping.
 *
 * This module uses @fluent/bundle (the engine of @grammyjs/i18n) directly and loads no grammY, so the bridge core
 * may use it too (test/unit/layers.test.ts). Features use it as well: the plugin's ctx.t had no caller, and its
 * middleware kept a second parsed copy of every text (about 3.6 MB of heap) and ran on every update (issue 13).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FluentBundle, FluentNumber, FluentResource, type FluentVariable } from '@fluent/bundle';
import type { Scope } from '@fluent/bundle/esm/scope.js';
import type { ChatFacts } from './db/inbound.js';
import type { ChatInfo } from './market/types.js';
import { DEFAULT_TIME_ZONE, LANGUAGES, type Lang } from './languages.js';
import { formatWhen, formatWhenShort } from './i18n/when.js';
import { LOCALES_DIR } from './paths.js';

export { LANGUAGES, type Lang } from './languages.js';

/**
 * The Fluent sources per language, by the plugin's rule: a file's language is its name up to the first dot
 * (`ru.ftl`, `ru.orders.ftl` -> ru), so every area's file joins its language.
 */
export function readLocales(dir = LOCALES_DIR): Map<string, { file: string; source: string }[]> {
  const out = new Map<string, { file: string; source: string }[]>();
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.ftl')) continue;
    const lang = name.split('.')[0]!;
    const list = out.get(lang) ?? [];
    list.push({ file: name, source: readFileSync(join(dir, name), 'utf8') });
    out.set(lang, list);
  }
  return out;
}

/** One bundle per language; a duplicate id across files is an error, not a silent override. */
export function loadBundles(dir = LOCALES_DIR): Map<string, FluentBundle> {
  const bundles = new Map<string, FluentBundle>();
  for (const [lang, files] of readLocales(dir)) {
    const bundle = new FluentBundle(lang, { useIsolating: false });
    for (const f of files) {
      const errors = bundle.addResource(new FluentResource(f.source));
      if (errors.length > 0) throw new Error(`locales/${f.file}: ${errors.map((e) => e.message).join('; ')}`);
    }
    bundles.set(lang, bundle);
  }
  return bundles;
}

const bundles = loadBundles();

const settings: { language: Lang; timeZone: string } = { language: 'en', timeZone: DEFAULT_TIME_ZONE };
const scope = new AsyncLocalStorage<Lang>();

/** BOT_LANGUAGE and BOT_TIMEZONE (set once at start; the language is the default outside any chat's scope). */
export function configureTexts(opts: { language: Lang; timeZone: string }): void {
  settings.language = opts.language;
  settings.timeZone = opts.timeZone;
}

let entered = 0;

/**
 * Runs `fn` with every `t()` in it (and in what it starts) speaking `lang`. The scope is entered only when it
 * changes what is spoken: on Node 20 and 22 the first `AsyncLocalStorage.run` turns on a hook that runs for every
 * promise the process makes from then on, which cost the relay about a quarter of its throughput (issue 13). So a
 * bridge whose chats speak BOT_LANGUAGE never enters one; Node 24 carries the scope without that hook.
 */
export function withLanguage<T>(lang: Lang, fn: () => T): T {
  if (pinned !== undefined) return withLanguageNow(lang, () => inScope(lang, fn));
  return lang === (scope.getStore() ?? settings.language) ? fn() : inScope(lang, fn);
}

function inScope<T>(lang: Lang, fn: () => T): T {
  entered += 1;
  return scope.run(lang, fn);
}

/** How many times a language scope was entered since the start (for the tests of the rule above). */
export function languageScopesEntered(): number {
  return entered;
}

let pinned: Lang | undefined;

/**
 * `withLanguage` for a synchronous `fn` that only words something (the configuration's problems, the command menus,
 * a notice): no async scope, so wording a text in another language does not turn that hook on. A promise `fn` returns
 * does not keep `lang` once it awaits.
 */
export function withLanguageNow<T>(lang: Lang, fn: () => T): T {
  const before = pinned;
  pinned = lang;
  try {
    return fn();
  } finally {
    pinned = before;
  }
}

/** BOT_LANGUAGE: where no chat decides. */
export function defaultLanguage(): Lang {
  return settings.language;
}

export function currentLanguage(): Lang {
  return pinned ?? scope.getStore() ?? settings.language;
}

/** Problems met while rendering (a missing message, an unfilled placeholder): kept for the tests, never thrown. */
const problems: string[] = [];
export function textProblems(): readonly string[] {
  return problems;
}
function problem(line: string): void {
  if (problems.length < 200) problems.push(line);
}

type Params = Record<string, unknown> | undefined;

/**
 * Texts not yet written in locales/: `(params) => string` (English), used only when no language has the key.
 * Other branches add their new texts here as well as in their own `locales/<lang>.<area>.ftl`.
 */
const en: Record<string, (p: never) => string> = {
  // e.g. 'orders.card.title': (p: { orderId: string }) => `Order ${p.orderId}`,
};

/** The text for `key` in the language of the current scope. */
export function t(key: string, params?: Params): string {
  const lang = currentLanguage();
  const id = key.replace(/\./g, '-');
  const shaped = SHAPES[key]?.(params as never) ?? params;
  let bundle = bundles.get(lang);
  let message = bundle?.getMessage(id);
  if (!message?.value) {
    const legacy = en[key];
    if (legacy) return legacy(params as never);
    problem(`${lang}: no message ${id}`);
    bundle = bundles.get('en');
    message = bundle?.getMessage(id);
    if (!bundle || !message?.value) return key;
  }
  const errors: Error[] = [];
  const text = bundle!.formatPattern(message.value, fluentArgs(shaped), errors);
  for (const e of errors) problem(`${lang}: ${id}: ${e.message}`);
  return text.replace(/\s+$/, '');
}

/** Whether English has a text for `key` (every language has the same keys: test/unit/texts.test.ts). */
export function hasText(key: string): boolean {
  return bundles.get('en')?.getMessage(key.replace(/\./g, '-'))?.value != null || key in en;
}

/**
 * An order's status, substatus or delivery type in the cabinet's words (`orders.status.DELIVERY`…); a value Market
 * added after the spec we know is shown as Market sent it.
 */
export function orderWord(kind: 'status' | 'substatus' | 'delivery', value: string): string {
  const key = `orders.${kind}.${value}`;
  return /^[A-Z0-9_]+$/.test(value) && hasText(key) ? t(key) : value;
}

/**
 * A number as the seller reads it: no digit grouping (chat and order ids must read as they are typed), at most one
 * decimal, the language's decimal sign ("1,5" in Russian). Written out here rather than by Intl.NumberFormat, as
 * FluentNumber would: the first Intl formatter costs the process about 8 MB (src/util/time-zone.ts). Plural rules
 * still apply (Fluent selects on the value with Intl.PluralRules, which is cheap).
 */
export function plainNumber(value: number, lang: string): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const abs = Math.abs(value);
  // Rounded half away from zero on the shortest decimal that reads back as the value (0.15 → 0.2), as Intl does.
  const digits = abs.toString();
  if (digits.includes('e')) return `${sign}${abs >= 1 ? BigInt(abs) : 0}`; // 1e21 is whole; 1e-7 rounds to 0
  const [int = '0', frac = ''] = digits.split('.');
  let whole = BigInt(int);
  let tenth = Number(frac[0] ?? 0) + (Number(frac[1] ?? 0) >= 5 ? 1 : 0);
  if (tenth === 10) [whole, tenth] = [whole + 1n, 0];
  return `${sign}${whole}${tenth ? `${lang === 'ru' ? ',' : '.'}${tenth}` : ''}`;
}

class PlainNumber extends FluentNumber {
  override toString(scope: Scope): string {
    return plainNumber(this.value, scope.bundle.locales[0] ?? 'en');
  }
}

/** Numbers as plainNumber writes them; plural rules still apply. */
function fluentArgs(p: Params): Record<string, FluentVariable> | undefined {
  if (!p) return undefined;
  const out: Record<string, FluentVariable> = {};
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'number') out[k] = new PlainNumber(v);
    else if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 'yes' : 'no';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- formatting

/** A moment in the seller's time zone and language, labelled: "2 Dec 14:05 MSK". */
export function when(ms: number): string {
  const label = settings.timeZone === 'Europe/Moscow' ? t('time.zone.moscow') : undefined;
  return formatWhen(ms, currentLanguage(), settings.timeZone, label);
}

/** The same as an entry of a list read now: the time alone ("14:05") on the same day, else as when(). */
export function whenShort(ms: number, now = Date.now()): string {
  const label = settings.timeZone === 'Europe/Moscow' ? t('time.zone.moscow') : undefined;
  return formatWhenShort(ms, currentLanguage(), settings.timeZone, label, now);
}

/** A Market timestamp (ISO 8601) the same way; kept as Market wrote it if it cannot be read. */
export function whenIso(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? when(ms) : iso;
}

export function statusWords(status: string): string {
  return t('words.status', { status });
}

/** "Order 12345", "Return 678 (order 12345)", "Question from a product page": what the chat is about. */
export function chatSubject(chat: Pick<ChatInfo, 'context' | 'type'>): string {
  const c = chat.context;
  const subject =
    c.type === 'RETURN'
      ? c.orderId
        ? t('words.subject.returnOfOrder', { returnId: String(c.returnId ?? '?'), orderId: String(c.orderId) })
        : t('words.subject.return', { returnId: String(c.returnId ?? '?') })
      : c.type === 'ORDER'
        ? t('words.subject.order', { orderId: String(c.orderId ?? '?') })
        : c.type === 'DIRECT'
          ? t('words.subject.direct')
          : c.type.toLowerCase();
  return chat.type === 'ARBITRAGE' ? t('words.subject.dispute', { subject }) : subject;
}

export function buyerName(chat: Pick<ChatInfo, 'context'>): string {
  return chat.context.customer?.name ?? t('words.buyer');
}

/** Rounded up, so a file just over the limit never reads as "5.0 MB" next to a 5 MB limit. */
function megabytes(bytes: number): string {
  const mb = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return t('words.megabytes', { n: mb });
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return t('words.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return t('words.kilobytes', { n: Math.ceil(bytes / 1024) });
  return t('words.megabytes', { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

function inAbout(ms: number, now: number): string {
  const s = Math.max(1, Math.round((ms - now) / 1000));
  if (s < 90) return t('words.inSeconds', { n: s });
  const m = Math.round(s / 60);
  if (m < 90) return t('words.inMinutes', { n: m, at: when(ms) });
  return t('words.at', { at: when(ms) });
}

/** "HTTP 400 · BAD_REQUEST · Message contains a link": the technical line under every error. */
export function technical(p: { status?: number; code?: string; detail?: string }): string {
  return [p.status !== undefined ? `HTTP ${p.status}` : undefined, p.code, p.detail].filter(Boolean).join(' · ');
}

/** What went wrong and what to do, for a Market error kind (or files.why.download): two sentences. */
export function reason(kind: string): readonly [what: string, todo: string] {
  const key = kind.includes('.') ? kind : `why.${kind}`;
  return [t(key), t(`${key}.todo`)] as const;
}

/** What the inbound sync knows about a Market chat, as far as the words shown to the seller need it. */
export type InboundChatWords = ChatFacts & { skippedMessages: number };

/** "Order 123 · Ivan", "Return 45 · Ivan", "Question · Ivan", "Dispute · Order 123 · Ivan": a chat in the seller's terms. */
function inboundSubject(c: InboundChatWords): string {
  const about =
    c.contextType === 'ORDER' && c.orderId !== null
      ? t('words.subject.order', { orderId: String(c.orderId) })
      : c.contextType === 'RETURN'
        ? t('words.subject.return', { returnId: String(c.returnId ?? c.orderId ?? '?') })
        : c.contextType === 'DIRECT'
          ? t('words.subject.question')
          : t('words.subject.chat', { chatId: c.marketChatId });
  return [c.type === 'ARBITRAGE' ? t('words.dispute') : undefined, about, c.customerName ?? undefined].filter(Boolean).join(' · ');
}

const opt = (v: string | number | null | undefined) => (v === undefined || v === null ? 'none' : v);

/**
 * Keys whose callers pass objects (a Market chat, a list, a time): turned into the flat strings and numbers the
 * Fluent messages take, in the current language. Everything else is passed as it is.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
const SHAPES: Record<string, (p: any) => Record<string, unknown>> = {
  help: (p: { isAdmin: boolean }) => ({ team: p.isAdmin }),
  'link.badId': (p: { arg: string }) => ({ arg: p.arg.slice(0, 40) }),
  'link.card': (p: { chat: ChatInfo; mode: 'topic' | 'reply' }) => ({
    chatId: p.chat.chatId,
    subject: chatSubject(p.chat),
    buyer: buyerName(p.chat),
    status: statusWords(p.chat.status),
    started: whenIso(p.chat.createdAt),
    mode: p.mode,
  }),
  'link.relinkAsk': (p: { current: number; currentChat?: ChatInfo; next: ChatInfo; nextHome?: number }) => ({
    current: p.current,
    currentAbout: p.currentChat
      ? t('link.relinkAbout', { subject: chatSubject(p.currentChat), buyer: buyerName(p.currentChat) })
      : '',
    nextId: p.next.chatId,
    nextSubject: chatSubject(p.next),
    nextBuyer: buyerName(p.next),
    nextStatus: statusWords(p.next.status),
    nextHome: opt(p.nextHome),
  }),
  'status.header': (p: { chatId: number | undefined; chat?: ChatInfo }) =>
    p.chatId === undefined
      ? { linked: 'no' }
      : p.chat
        ? { linked: 'full', chatId: p.chatId, subject: chatSubject(p.chat), buyer: buyerName(p.chat), status: statusWords(p.chat.status) }
        : { linked: 'plain', chatId: p.chatId },
  'status.line': (p: { at: number; state: string; text: string; detail?: string }) => ({
    at: when(p.at),
    state: p.state,
    text: p.text,
    detail: opt(p.detail),
  }),
  'status.file': (p: { name: string | null }) => ({ name: p.name ?? t('words.file') }),
  'relay.unsupported': (p: { what: string }) => ({ what: t('words.media', { what: p.what.replace(/ /g, '_') }) }),
  'relay.waiting': (p: { until: number; now: number; why: string }) => ({ why: p.why, when: inAbout(p.until, p.now) }),
  'files.tooLarge': (p: { size: number; max: number }) => ({ size: megabytes(p.size), max: megabytes(p.max) }),
  'inbound.title': (p: { chat: InboundChatWords; waiting: boolean; dispute: boolean }) => ({
    subject: inboundSubject(p.chat),
    waiting: p.waiting,
    dispute: p.dispute,
  }),
  'inbound.card': (p: { chat: InboundChatWords }) => {
    const c = p.chat;
    const about =
      c.contextType === 'RETURN'
        ? c.orderId !== null
          ? t('inbound.card.returnOfOrder', { returnId: String(c.returnId ?? '?'), orderId: String(c.orderId) })
          : t('inbound.card.return', { returnId: String(c.returnId ?? '?') })
        : c.orderId !== null
          ? t('inbound.card.order', { orderId: String(c.orderId) })
          : c.contextType === 'DIRECT'
            ? t('inbound.card.direct')
            : 'none';
    return {
      subject: inboundSubject(c),
      chatId: c.marketChatId,
      arbitrage: c.type === 'ARBITRAGE',
      status: statusWords(c.status),
      about,
      buyer: opt(c.customerName),
      started: c.marketCreatedAt ? whenIso(c.marketCreatedAt) : 'none',
      skipped: c.skippedMessages,
    };
  },
  'inbound.header': (p: { chat: InboundChatWords; sender?: string }) => ({
    subject: inboundSubject(p.chat),
    chatId: p.chat.marketChatId,
    sender: opt(p.sender),
  }),
  'inbound.entry': (p: { sender: string; at: number; now?: number }) => ({ sender: p.sender, time: whenShort(p.at, p.now) }),
  'inbound.fileLink': (p: { name: string; size: number; url: string }) => ({ name: p.name, size: fileSize(p.size), url: p.url }),
  'presence.where': (p: { title: string | undefined; chatId: number }) =>
    p.title ? { kind: 'titled', title: p.title } : p.chatId > 0 ? { kind: 'private' } : { kind: 'chat', chatId: p.chatId },
  'startup.marketScope': (p: { scopes: string[] }) => ({ scopes: p.scopes.join(', ') || t('words.none') }),
  'startup.marketBusiness': (p: { businessId: number; businesses: number[] }) => ({
    businessId: p.businessId,
    businesses: p.businesses.join(', '),
  }),
  'startup.marketKeyRefused': (p: { status?: number; code?: string }) => ({ status: p.status ?? '?', code: opt(p.code) }),
  'startup.marketStillUnreachable': (p: { url: string; why: string; since: number }) => ({ url: p.url, why: p.why, since: when(p.since) }),
};
