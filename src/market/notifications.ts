/**
 * Market's push notifications (spec/notification-api.bundled.yaml): Market POSTs `{notificationType, ...}` and
 * waits at most 10 s (1 s for PING) for `200 {version, name, time}`. Anything but 200 or 400 is retried for days,
 * so the answer goes out before any work is done, and the chat events are handed on afterwards.
 *
 * This module is framework-free: `createNotificationHandler` returns a plain `(req, res)` handler so it can be
 * mounted next to the Telegram webhook in one HTTP server; `startNotificationServer` is the stand-alone server.
 * The notification is only a hint ("look at chat X now"); polling remains the safety net, so a lost or refused
 * notification delays a message, it never loses one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { startHttpServer, type Route, type RunningServer } from '../http-server.js';
import type { Logger } from '../logger.js';
import type { components } from './notification-schema.js';

type S = components['schemas'];
type NotificationType = S['NotificationType'];

/** What the sync engine needs to hear: which chat to look at, and why. */
export type ChatEvent =
  | { kind: 'chat_created'; chatId: number }
  | { kind: 'message'; chatId: number; messageId: number }
  | { kind: 'arbitrage_started' | 'arbitrage_finished'; chatId: number };

/**
 * An order changed (ORDER_STATUS_UPDATED, or ORDER_UPDATED for a new shipment or delivery date): its chat cards are
 * read again. Order payloads carry no businessId.
 */
export type OrderEvent =
  | { kind: 'order_status'; orderId: number; campaignId: number; status: string; substatus: string }
  | { kind: 'order_updated'; orderId: number; campaignId: number; updateType: string };

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface NotificationHandlerOptions {
  /** MARKET_BUSINESS_ID: notifications for any other business are acknowledged and dropped. */
  businessId: number;
  log: Logger;
  /** Called after the answer has gone out; must not throw (a throw is logged) and should not block. */
  onEvent(e: ChatEvent, businessId?: number): void;
  /** Several shops: whether a notification's business is one of them (replaces the `businessId` check). */
  isShop?: (businessId: number) => boolean;
  /** ORDER_STATUS_UPDATED and ORDER_UPDATED, after the answer has gone out (like onEvent). Unset: acknowledged and ignored. */
  onOrderEvent?(e: OrderEvent): void;
  /** Reviews, their comments and product questions (with their business); called after the answer has gone out. */
  onFeedback?(e: FeedbackNotice, businessId: number): void;
  /**
   * MARKET_NOTIFY_SECRET: when set, only POSTs to `/<secret>` and `/<secret>/notification` are notifications; any
   * other path gets 404 before the body is read. Unset: every path (see createNotificationHandler).
   */
  pathSecret?: string;
  /** MARKET_NOTIFY_ALLOW_IPS: IPs or CIDR ranges (IPv4/IPv6); others get 403. Unset or empty: everyone. */
  allowIps?: readonly string[];
  /** Integration name and version in the 200 answer (1..100 characters each). */
  name?: string;
  version?: string;
  /** Largest body read; the DTOs are a few hundred bytes, order notifications with many items a few KB. */
  maxBodyBytes?: number;
  /** How many recent notification keys are remembered to drop duplicates (Market does send some twice). */
  dedupCapacity?: number;
  now?: () => Date;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const DEFAULT_DEDUP_CAPACITY = 10_000;

// ------------------------------------------------------------------------------------------------ schemas

const NOTIFICATION_TYPES = [
  'PING',
  'ORDER_CREATED',
  'ORDER_CANCELLED',
  'ORDER_STATUS_UPDATED',
  'ORDER_RETURN_CREATED',
  'ORDER_CANCELLATION_REQUEST',
  'ORDER_RETURN_STATUS_UPDATED',
  'ORDER_UPDATED',
  'GOODS_FEEDBACK_CREATED',
  'GOODS_FEEDBACK_COMMENT_CREATED',
  'CHAT_CREATED',
  'CHAT_MESSAGE_SENT',
  'CHAT_ARBITRAGE_STARTED',
  'CHAT_ARBITRAGE_FINISHED',
  'QUESTION_CREATED',
  'QUESTION_ANSWER_CREATED',
  'QUESTION_COMMENT_CREATED',
] as const satisfies readonly NotificationType[];

/** Every NotificationType of the spec is listed above (fails to compile when the spec gains one). */
const allTypesListed: Exclude<NotificationType, (typeof NOTIFICATION_TYPES)[number]> extends never ? true : never = true;
void allTypesListed;

/** int64 ids; z.int() also rejects numbers beyond 2^53 that JSON.parse has already rounded. */
const id = z.int().positive();
/**
 * The spec says `format: date-time`. These times are not used (the chat is fetched anyway), and a 400 is never
 * retried by Market, so anything Date.parse understands is accepted rather than risk dropping an event.
 */
const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date-time');
/** CHAT_MESSAGE_SENT carries the message id as a string (unlike every other id): digits only, a safe integer. */
const messageId = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a string of digits')
  .transform(Number)
  .refine(Number.isSafeInteger, 'is too large');

const envelopeSchema = z.looseObject({
  notificationType: z.enum(NOTIFICATION_TYPES, {
    error: (issue) => (issue.input === undefined ? 'is required' : 'is not a notification type of the spec'),
  }),
});

const pingSchema = z.looseObject({ notificationType: z.literal('PING'), time: dateTime.optional() });
const chatCreatedSchema = z.looseObject({
  notificationType: z.literal('CHAT_CREATED'),
  chatId: id,
  businessId: id,
  createdAt: dateTime,
});
const chatMessageSentSchema = z.looseObject({
  notificationType: z.literal('CHAT_MESSAGE_SENT'),
  chatId: id,
  messageId,
  businessId: id,
  sentAt: dateTime,
});
const arbitrageStartedSchema = z.looseObject({
  notificationType: z.literal('CHAT_ARBITRAGE_STARTED'),
  chatId: id,
  businessId: id,
  startedAt: dateTime,
});
const arbitrageFinishedSchema = z.looseObject({
  notificationType: z.literal('CHAT_ARBITRAGE_FINISHED'),
  chatId: id,
  businessId: id,
  finishedAt: dateTime,
});

/**
 * Status and substatus are the spec's enums, taken as any string: the notification spec already lists fewer
 * substatuses than the partner spec, and a 400 would make Market drop the event for good.
 */
const orderStatusUpdatedSchema = z.looseObject({
  notificationType: z.literal('ORDER_STATUS_UPDATED'),
  orderId: id,
  campaignId: id,
  status: z.string().min(1),
  substatus: z.string().min(1),
  updatedAt: dateTime,
});

/** updateType (SHIPMENT_DATE_UPDATED, DELIVERY_DATE_UPDATED, UNKNOWN) taken as any string, for the same reason. */
const orderUpdatedSchema = z.looseObject({
  notificationType: z.literal('ORDER_UPDATED'),
  orderId: id,
  campaignId: id,
  updateType: z.string().min(1),
  updatedAt: dateTime,
});
// Reviews and product questions (issue 12): the item is fetched afterwards, so only the ids matter here.
const feedbackCreatedSchema = z.looseObject({
  notificationType: z.literal('GOODS_FEEDBACK_CREATED'),
  feedbackId: id,
  businessId: id,
  createdAt: dateTime,
  publishedAt: dateTime,
});
const feedbackCommentCreatedSchema = z.looseObject({
  notificationType: z.literal('GOODS_FEEDBACK_COMMENT_CREATED'),
  commentId: id,
  businessId: id,
  createdAt: dateTime,
});
const questionCreatedSchema = z.looseObject({
  notificationType: z.literal('QUESTION_CREATED'),
  questionId: id,
  businessId: id,
  createdAt: dateTime,
});

/** A review, a comment on one, or a product question to look at now (bridge/feedback.ts FeedbackEvent). */
export type FeedbackNotice = { kind: 'review' | 'comment' | 'question'; id: number };

/** Compile-time tie to the generated spec types: a valid input of each schema is a valid DTO. */
type Conforms<T extends U, U> = T;
export type CheckedAgainstSpec = [
  Conforms<z.input<typeof pingSchema>, S['PingNotificationDTO']>,
  Conforms<z.input<typeof chatCreatedSchema>, S['ChatCreatedNotificationDTO']>,
  Conforms<z.input<typeof chatMessageSentSchema>, S['ChatMessageSentNotificationDTO']>,
  Conforms<z.input<typeof arbitrageStartedSchema>, S['ChatArbitrageStartedNotificationDTO']>,
  Conforms<z.input<typeof arbitrageFinishedSchema>, S['ChatArbitrageFinishedNotificationDTO']>,
  Conforms<z.input<typeof feedbackCreatedSchema>, S['GoodsFeedbackCreatedNotificationDTO']>,
  Conforms<z.input<typeof feedbackCommentCreatedSchema>, S['GoodsFeedbackCommentCreatedNotificationDTO']>,
  Conforms<z.input<typeof questionCreatedSchema>, S['QuestionCreatedNotificationDTO']>,
];

/** What a valid notification means to the bridge. */
export type Notification =
  | { type: 'ping' }
  /** A type the bridge does not act on (other order events, feedback, questions): acknowledged, nothing else. */
  | { type: 'ignored'; notificationType: NotificationType }
  /** `key` identifies the event for de-duplication. */
  | { type: 'chat'; businessId: number; event: ChatEvent; key: string }
  | { type: 'order'; event: OrderEvent; key: string }
  /** A review, a comment on one, or a product question; `key` as for chats. */
  | { type: 'feedback'; businessId: number; event: FeedbackNotice; key: string };

export type ParseResult = { ok: true; value: Notification } | { ok: false; message: string };

/** Validates a notification body (already parsed JSON) against the spec. */
export function parseNotification(body: unknown): ParseResult {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return invalid(envelope.error);
  const type = envelope.data.notificationType;
  switch (type) {
    case 'PING': {
      const r = pingSchema.safeParse(body);
      return r.success ? { ok: true, value: { type: 'ping' } } : invalid(r.error);
    }
    case 'CHAT_CREATED': {
      const r = chatCreatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { chatId, businessId } = r.data;
      return chat(businessId, { kind: 'chat_created', chatId }, `${type}:${chatId}`);
    }
    case 'CHAT_MESSAGE_SENT': {
      const r = chatMessageSentSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { chatId, messageId: mid, businessId } = r.data;
      return chat(businessId, { kind: 'message', chatId, messageId: mid }, `${type}:${chatId}:${mid}`);
    }
    case 'CHAT_ARBITRAGE_STARTED': {
      const r = arbitrageStartedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { chatId, businessId, startedAt } = r.data;
      // A chat may go to arbitration more than once: the time tells the disputes apart.
      return chat(businessId, { kind: 'arbitrage_started', chatId }, `${type}:${chatId}:${startedAt}`);
    }
    case 'CHAT_ARBITRAGE_FINISHED': {
      const r = arbitrageFinishedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { chatId, businessId, finishedAt } = r.data;
      return chat(businessId, { kind: 'arbitrage_finished', chatId }, `${type}:${chatId}:${finishedAt}`);
    }
    case 'ORDER_STATUS_UPDATED': {
      const r = orderStatusUpdatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { orderId, campaignId, status, substatus, updatedAt } = r.data;
      const event: OrderEvent = { kind: 'order_status', orderId, campaignId, status, substatus };
      return { ok: true, value: { type: 'order', event, key: `${type}:${orderId}:${status}:${substatus}:${updatedAt}` } };
    }
    case 'ORDER_UPDATED': {
      const r = orderUpdatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      const { orderId, campaignId, updateType, updatedAt } = r.data;
      const event: OrderEvent = { kind: 'order_updated', orderId, campaignId, updateType };
      return { ok: true, value: { type: 'order', event, key: `${type}:${orderId}:${updateType}:${updatedAt}` } };
    }
    case 'GOODS_FEEDBACK_CREATED': {
      const r = feedbackCreatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      return feedbackNotice(r.data.businessId, { kind: 'review', id: r.data.feedbackId }, `${type}:${r.data.feedbackId}`);
    }
    case 'GOODS_FEEDBACK_COMMENT_CREATED': {
      const r = feedbackCommentCreatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      return feedbackNotice(r.data.businessId, { kind: 'comment', id: r.data.commentId }, `${type}:${r.data.commentId}`);
    }
    case 'QUESTION_CREATED': {
      const r = questionCreatedSchema.safeParse(body);
      if (!r.success) return invalid(r.error);
      return feedbackNotice(r.data.businessId, { kind: 'question', id: r.data.questionId }, `${type}:${r.data.questionId}`);
    }
    default:
      // Not the bridge's business: their payloads are not checked, so a change there never turns into an error.
      return { ok: true, value: { type: 'ignored', notificationType: type } };
  }
}

function chat(businessId: number, event: ChatEvent, key: string): ParseResult {
  return { ok: true, value: { type: 'chat', businessId, event, key } };
}

function feedbackNotice(businessId: number, event: FeedbackNotice, key: string): ParseResult {
  return { ok: true, value: { type: 'feedback', businessId, event, key } };
}

function invalid(error: z.ZodError): ParseResult {
  const message = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
  return { ok: false, message };
}

// ------------------------------------------------------------------------------------------- allow-list

/**
 * MARKET_NOTIFY_ALLOW_IPS -> a predicate on the peer address. Throws one clear line for an entry that is not an
 * IP or CIDR range, so a typo stops the start instead of silently locking Market out (or letting everyone in).
 */
export function parseAllowList(entries: readonly string[]): (address: string | undefined) => boolean {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    const [addr = '', prefixText, extra] = entry.split('/');
    const address = unmapIPv4(addr);
    const family = isIP(address);
    const prefix = prefixText === undefined ? undefined : /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    const maxPrefix = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(prefix >= 0 && prefix <= maxPrefix))) {
      throw new Error(`MARKET_NOTIFY_ALLOW_IPS: "${entry.slice(0, 60)}" is not an IP address or CIDR range`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return (peer) => {
    if (!peer) return false;
    const address = unmapIPv4(peer);
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** A dual-stack server sees IPv4 peers as `::ffff:a.b.c.d`; the allow-list is written with plain IPv4. */
function unmapIPv4(address: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return m?.[1] ?? address;
}

// ------------------------------------------------------------------------------------------- secret path

/**
 * MARKET_NOTIFY_SECRET -> a predicate on the request path: `/<secret>` or `/<secret>/notification` (the query is
 * ignored). The first segment is compared by SHA-256 digest with timingSafeEqual, so neither its content nor its
 * length can be found by timing the answers.
 */
export function secretPathMatcher(secret: string): (url: string | undefined) => boolean {
  const expected = digest(secret);
  return (url) => {
    const path = (url ?? '').split('?')[0] ?? '';
    if (!path.startsWith('/')) return false;
    const [first = '', ...rest] = path.slice(1).split('/');
    const restOk = rest.length === 0 || (rest.length === 1 && rest[0] === 'notification');
    // Compared whatever the rest says, so a wrong suffix costs the same time as a wrong secret.
    const secretOk = timingSafeEqual(digest(safeDecode(first)), expected);
    return secretOk && restOk;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** `%2D` for `-` is still the secret; a malformed escape is simply not it. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}

// ----------------------------------------------------------------------------------------------- handler

/** Remembers the most recent keys; the oldest is forgotten first. */
class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True when `key` was seen before; otherwise remembers it. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return false;
  }
}

type ErrorType = S['NotificationApiErrorType'];

/**
 * The request handler for Market's notifications. Accepts POST on any path (Market's docs say "enter the full
 * link" while the spec names `/notification`, so both the registered URL and `<url>/notification` must work), or,
 * with `pathSecret`, only at `/<secret>` and `/<secret>/notification`: the seller registers
 * `https://host/<secret>`, and whoever does not know it gets 404 without the bridge doing any work.
 */
export function createNotificationHandler(opts: NotificationHandlerOptions): RequestHandler {
  const log = opts.log.child({ component: 'market-notifications' });
  const allowed = opts.allowIps && opts.allowIps.length > 0 ? parseAllowList(opts.allowIps) : undefined;
  const atSecretPath = opts.pathSecret !== undefined ? secretPathMatcher(opts.pathSecret) : undefined;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const recent = new RecentKeys(opts.dedupCapacity ?? DEFAULT_DEDUP_CAPACITY);
  const name = opts.name ?? 'market-bridge';
  const version = opts.version ?? '1.0.0';
  const now = opts.now ?? (() => new Date());

  const ok = (res: ServerResponse, receivedAt: Date) =>
    sendJson(res, 200, { version, name, time: receivedAt.toISOString() } satisfies S['SendNotificationResponse']);
  const refuse = (res: ServerResponse, status: number, type: ErrorType, message: string, headers?: Record<string, string>) =>
    sendJson(res, status, { error: { type, message } } satisfies S['SendNotificationErrorResponse'], headers);

  const emit = (event: ChatEvent, businessId?: number) => {
    try {
      const r: unknown = opts.onEvent(event, businessId);
      if (r instanceof Promise) r.catch((err: unknown) => log.error({ err, event }, 'notification consumer failed'));
    } catch (err) {
      log.error({ err, event }, 'notification consumer failed');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = now();
    const peer = req.socket.remoteAddress;
    if (atSecretPath && !atSecretPath(req.url)) {
      // The path is never logged: it may be a near miss of the secret. Debug only, so a flood does not fill the log.
      log.debug({ peer }, 'notification refused: not the secret path');
      req.resume();
      return refuse(res, 404, 'UNKNOWN', 'not found', { Connection: 'close' });
    }
    if (allowed && !allowed(peer)) {
      log.warn({ peer }, 'notification refused: address not in MARKET_NOTIFY_ALLOW_IPS');
      req.resume();
      return refuse(res, 403, 'UNKNOWN', 'forbidden', { Connection: 'close' });
    }
    if (req.method !== 'POST') {
      req.resume();
      return refuse(res, 405, 'UNKNOWN', 'only POST is accepted', { Allow: 'POST' });
    }

    const body = await readBody(req, maxBody);
    if (body === 'aborted') return;
    if (body === 'too_large') {
      // 400 rather than 413: Market retries anything but 200 and 400 for up to 14 days.
      log.warn({ peer, maxBody }, 'notification refused: body too large');
      return refuse(res, 400, 'WRONG_EVENT_FORMAT', `body is larger than ${maxBody} bytes`, { Connection: 'close' });
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      log.warn({ peer, bytes: body.length }, 'notification refused: body is not JSON');
      return refuse(res, 400, 'WRONG_EVENT_FORMAT', 'body is not valid JSON');
    }
    const parsed = parseNotification(json);
    if (!parsed.ok) {
      log.warn({ peer, problem: parsed.message }, 'notification refused: not in the spec format');
      return refuse(res, 400, 'WRONG_EVENT_FORMAT', parsed.message);
    }

    const n = parsed.value;
    ok(res, receivedAt);
    if (n.type === 'ping') return void log.info('notification PING answered');
    if (n.type === 'ignored') return void log.debug({ type: n.notificationType }, 'notification ignored (not about chats)');
    if (n.type === 'order') {
      // No businessId in order payloads (a campaignId): each shop knows which orders are its own (others cost nothing).
      if (recent.seen(n.key)) return void log.debug({ key: n.key }, 'duplicate notification ignored');
      log.info({ event: n.event }, 'order notification');
      const onOrder = opts.onOrderEvent;
      if (onOrder) {
        setImmediate(() => {
          try {
            onOrder(n.event);
          } catch (err) {
            log.error({ err, event: n.event }, 'order notification consumer failed');
          }
        });
      }
      return;
    }
    if (n.type === 'feedback') {
      if (opts.isShop ? !opts.isShop(n.businessId) : n.businessId !== opts.businessId) {
        log.warn({ businessId: n.businessId, expected: opts.businessId }, 'notification for another business ignored: check the notification settings in the Market cabinet');
        return;
      }
      if (recent.seen(n.key)) return void log.debug({ key: n.key }, 'duplicate notification ignored');
      log.info({ event: n.event }, 'review/question notification');
      const consume = opts.onFeedback;
      if (consume) {
        setImmediate(() => {
          try {
            consume(n.event, n.businessId);
          } catch (err) {
            log.error({ err, event: n.event }, 'notification consumer failed');
          }
        });
      }
      return;
    }
    if (opts.isShop ? !opts.isShop(n.businessId) : n.businessId !== opts.businessId) {
      log.warn(
        { businessId: n.businessId, expected: opts.businessId, chatId: n.event.chatId },
        'notification for another business ignored: check the notification settings in the Market cabinet',
      );
      return;
    }
    if (recent.seen(n.key)) return void log.debug({ key: n.key }, 'duplicate notification ignored');
    log.info({ event: n.event }, 'chat notification');
    // After the answer is on its way: whatever the consumer does cannot delay Market's 1 s / 10 s timeout.
    setImmediate(emit, n.event, n.businessId);
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'notification handler failed');
      if (!res.headersSent) refuse(res, 500, 'UNKNOWN', 'internal error');
      else res.destroy();
    });
  };
}

/** The body, or why there is none. A too-large body is drained (up to a bound) so the answer can be read. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large' | 'aborted'> {
  const drainLimit = max * 16;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else if (size > drainLimit) {
        req.destroy();
        resolve('aborted');
      }
    });
    req.on('end', () => resolve(size > max ? 'too_large' : Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve('aborted')); // no effect once resolved
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  // Exactly `application/json`: Market reports other content types as UNSUPPORTED_MEDIA_TYPE.
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ------------------------------------------------------------------------------------------------ server

/** The handler as a catch-all route: Market posts to the registered URL's path or `…/notification`. */
export function notificationRoute(handler: RequestHandler): Route {
  return { matches: () => true, handle: handler };
}

/**
 * A stand-alone HTTP server for the handler (port 0 = a free port, for tests). Plain HTTP: Market needs HTTPS
 * with a CA-signed certificate, which a reverse proxy in front of this port provides.
 */
export function startNotificationServer(port: number, handler: RequestHandler, onError: (err: unknown) => void = () => undefined): Promise<RunningServer> {
  return startHttpServer(port, [notificationRoute(handler)], onError);
}
