/**
 * A fake Yandex Market Partner API (chats subset) for tests, on 127.0.0.1.
 *
 * Where to look:
 *  - market-spec.ts   the validator: every request is checked against spec/partner-api-communication.bundled.yaml
 *  - handle()         the request pipeline below: validate -> auth -> parallel limit -> faults -> quota/access -> op
 *  - execute()        what each operation does to the state
 *  - market-state.ts  chats, messages, files, page tokens
 *
 * A request that breaks the spec lands in `violations` (tests assert it stays empty) and gets a 400, so a wrong
 * request from the bridge fails a test instead of passing against a lenient fake.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MarketSpec, type OperationId, type SpecOperation, type ValidationResult } from './market-spec.js';
import {
  BadRequest,
  MarketState,
  NotFound,
  type ChatContext,
  type ChatInfo,
  type ChatMessage,
  type ChatStatus,
  type GetChatsRequest,
  type HistoryOrder,
  type MarketModel,
  type Sender,
} from './market-state.js';
import { BadOrdersRequest, FakeOrders } from './market-orders.js';
import { FakeFeedback, isFeedbackOp } from './market-feedback.js';

/** Epoch milliseconds with sub-millisecond precision (the benchmark measures latencies from these). */
const hrNow = (): number => performance.timeOrigin + performance.now();

export type { OperationId } from './market-spec.js';
export type { ChatInfo, ChatMessage, ChatStatus, Sender } from './market-state.js';

export interface FakeMarketOptions {
  apiKey?: string;
  businessId?: number;
  /** ApiKeyScopeType values of the key. */
  scopes?: string[];
  /** Order of messages in getChatHistory pages; 'desc' by default so clients cannot rely on order. */
  historyOrder?: HistoryOrder;
  /** Per-hour limit override; defaults come from each operation's x-resource-limit-config. */
  quotas?: Partial<Record<OperationId, number>>;
  /** Parallel requests allowed per businessId (only /v2/businesses/{businessId}/... paths). */
  maxParallel?: number;
  /** Clock for hourly windows and chat/message timestamps. */
  now?: () => number;
  /** Accept deprecated fields/params (orderId, orderIds, page, pageSize) instead of reporting them. Default false. */
  allowDeprecated?: boolean;
  /** The id of the single campaign (store) returned by getCampaigns. Default 1000001. */
  campaignId?: number;
  /** The business's name in getCampaigns. Default 'Test business'. */
  businessName?: string;
  /** Whole-second timestamps, a buyer reopening a finished chat (see MarketModel). */
  model?: MarketModel;
}

export type Fault = (
  | {
      kind: 'status';
      status: 400 | 401 | 403 | 404 | 420 | 423 | 500 | 502 | 503 | 504;
      code?: string;
      message?: string;
      headers?: Record<string, string>;
    }
  /** text/html body, like a proxy error page. */
  | { kind: 'html'; status: number }
  /** A malformed body. */
  | { kind: 'raw'; status: number; body: string; contentType?: string }
  /** Never answers (until `ms` elapse, then answers normally, or until stop()). */
  | { kind: 'hang'; ms?: number }
  /** Destroys the socket without an answer. */
  | { kind: 'reset' }
  /** Answers normally after `ms`. */
  | { kind: 'delay'; ms: number }
) & {
  /** The operation takes effect first (e.g. the message IS stored), then the fault is delivered. */
  afterProcess?: boolean;
  /**
   * The fault is delivered at once, and the operation takes effect this long afterwards: Market's backend still
   * working on a request its gateway already answered 5xx (or the client already gave up on).
   */
  processAfterMs?: number;
};

export interface RecordedRequest {
  operationId?: OperationId;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; Api-Key and Authorization values replaced by '<redacted>'. */
  headers: Record<string, string>;
  apiKeyOk: boolean;
  /** Parsed JSON; for multipart `{fileName, size, contentType}`; undefined when there was no body. */
  body: unknown;
  /** 0 while unanswered, or when the answer never came (reset, hang). */
  status: number;
  startedAt: number;
  endedAt?: number;
  /** The injected fault, e.g. 'status:500', 'hang:200ms', 'reset+afterProcess'. */
  fault?: string;
}

export interface SpecViolation {
  operationId?: OperationId;
  method: string;
  path: string;
  reasons: string[];
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Window {
  used: number;
  end: number;
}

interface Waiter {
  pred: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const WRITE_OPS: OperationId[] = ['createChat', 'sendMessageToChat', 'sendFileToChat'];
/** Bodies are kept up to this size; anything larger is a violation anyway (5 MB file + multipart overhead). */
const MAX_KEPT_BODY_BYTES = 8 * 1024 * 1024;

export class FakeMarket {
  readonly apiKey: string;
  readonly businessId: number;
  readonly campaignId: number;
  readonly businessName: string;
  scopes: string[];
  readonly requests: RecordedRequest[] = [];
  readonly violations: SpecViolation[] = [];
  maxInFlightSeen = 0;
  /** Orders for getBusinessOrders (market-orders.ts), seeded per test. */
  readonly orders: FakeOrders;

  private readonly spec = MarketSpec.load();
  /** Reviews and product questions (market-feedback.ts). */
  readonly feedback: FakeFeedback;
  private readonly state: MarketState;
  private readonly server: Server;
  private readonly now: () => number;
  private readonly historyOrder: HistoryOrder;
  private readonly quotas: Partial<Record<OperationId, number>>;
  private readonly maxParallel: number;
  private readonly allowDeprecated: boolean;
  private baseUrl = '';
  private stopped = false;
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<OperationId, Window>();
  private faultQueue: { op: OperationId | '*'; fault: Fault; times: number }[] = [];
  private randomFaults: { rng: () => number; rate: number; kinds: Fault[]; ops?: OperationId[] } | null = null;
  private readonly waiters = new Set<Waiter>();
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  static async start(opts: FakeMarketOptions = {}): Promise<FakeMarket> {
    const market = new FakeMarket(opts);
    await new Promise<void>((resolve, reject) => {
      market.server.once('error', reject);
      market.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = market.server.address() as AddressInfo;
    market.baseUrl = `http://127.0.0.1:${port}`;
    return market;
  }

  private constructor(opts: FakeMarketOptions) {
    this.apiKey = opts.apiKey ?? 'ACMA:test-key:0001';
    this.businessId = opts.businessId ?? 777;
    this.campaignId = opts.campaignId ?? 1_000_001;
    this.businessName = opts.businessName ?? 'Test business';
    this.scopes = opts.scopes ?? ['COMMUNICATION'];
    this.historyOrder = opts.historyOrder ?? 'desc';
    this.quotas = opts.quotas ?? {};
    this.maxParallel = opts.maxParallel ?? 4;
    this.now = opts.now ?? Date.now;
    this.allowDeprecated = opts.allowDeprecated ?? false;
    this.state = new MarketState(this.now, this.campaignId, opts.model);
    this.orders = new FakeOrders(
      this.now,
      this.campaignId,
      (body) => this.spec.responseErrors('getBusinessOrders', 200, body),
      (reasons) => this.violations.push({ operationId: 'getBusinessOrders', method: 'POST', path: 'answer', reasons }),
    );
    this.feedback = new FakeFeedback(this.now, this.businessId, this.spec, (op, reasons) =>
      this.violations.push({ operationId: op, method: 'POST', path: op, reasons }),
    );
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the fake itself: answer 500 so the test sees it rather than hanging.
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`FakeMarket crashed: ${String(err)}`);
        }
      });
    });
  }

  /** The MARKET_API_URL to configure, e.g. 'http://127.0.0.1:12345'. */
  get url(): string {
    return this.baseUrl;
  }

  // ---- State helpers for tests ----

  addChat(p?: Partial<ChatInfo> & { customerName?: string }): ChatInfo {
    return this.state.addChat(p);
  }

  setChatStatus(chatId: number, status: ChatStatus): void {
    this.state.setChatStatus(chatId, status);
  }

  /** Sender defaults to CUSTOMER. A CUSTOMER message moves an open chat to WAITING_FOR_PARTNER, as on Market. */
  addMessage(
    chatId: number,
    m: { sender?: Sender; message?: string; payload?: { name: string; url: string; size: number }[]; createdAt?: string },
  ): ChatMessage {
    return this.state.addMessage(chatId, m);
  }

  /** Served at GET /files/<id>/<name> without auth; returns the absolute URL (for message payloads). */
  addFile(name: string, bytes: Buffer, contentType = 'application/octet-stream'): string {
    return this.state.storeFile(name, bytes, contentType, this.url).url;
  }

  messagesOf(chatId: number): ChatMessage[] {
    return this.state.messagesOf(chatId).sort((a, b) => a.messageId - b.messageId);
  }

  /** What the buyer received as text, in order. */
  partnerTexts(chatId: number): string[] {
    return this.messagesOf(chatId)
      .filter((m) => m.sender === 'PARTNER' && m.message !== undefined)
      .map((m) => m.message!);
  }

  sentFiles(chatId: number): { name: string; size: number; contentType: string; bytes: Buffer }[] {
    return this.messagesOf(chatId)
      .filter((m) => m.sender === 'PARTNER')
      .flatMap((m) => m.payload ?? [])
      .map((p) => this.state.fileByUrl(p.url))
      .filter((f) => f !== undefined)
      .map((f) => ({ name: f.name, size: f.bytes.length, contentType: f.contentType, bytes: f.bytes }));
  }

  // ---- Fault injection ----

  /** Queues a fault for the next `times` requests of `op` ('*' = any operation); consumed FIFO. */
  failNext(op: OperationId | '*', fault: Fault, times = 1): void {
    this.faultQueue.push({ op, fault, times });
  }

  /** Each matching request fails with probability `rate`, using a seeded PRNG so a failing run can be replayed. */
  setRandomFaults(opts: { seed: number; rate: number; kinds: Fault[]; ops?: OperationId[] } | null): void {
    this.randomFaults = opts && { rng: mulberry32(opts.seed), rate: opts.rate, kinds: opts.kinds, ops: opts.ops };
  }

  // ---- Observing ----

  /**
   * Resolves with the first recorded request (existing or future) matching `pred`. Records are checked again when
   * they are answered, so `r => r.status === 200` works. The record is live: status/endedAt may change later.
   */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const hit = this.requests.find((r) => safePred(pred, r));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const seen = this.requests.map(
            (r) => `  ${r.method} ${r.path}${queryString(r.query)} -> ${r.status}${r.fault ? ` (${r.fault})` : ''}`,
          );
          reject(
            new Error(
              `FakeMarket.waitForRequest: no matching request within ${timeoutMs} ms; ` +
                `${seen.length} request(s) seen${seen.length ? `:\n${seen.slice(-20).join('\n')}` : ''}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  count(op: OperationId): number {
    return this.requests.filter((r) => r.operationId === op).length;
  }

  /** Clears requests, violations, faults, hourly counters and maxInFlightSeen; chats and messages stay. */
  reset(): void {
    this.requests.length = 0;
    this.violations.length = 0;
    this.faultQueue = [];
    this.randomFaults = null;
    this.windows.clear();
    this.maxInFlightSeen = Math.max(0, ...this.inFlight.values());
  }

  /** Closes the server; hung requests get their sockets destroyed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.resolve();
    }
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('FakeMarket stopped while waiting for a request'));
    }
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- The request pipeline ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = hrNow();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const apiKeyOk = req.headers['api-key'] === this.apiKey;
    const isFile = method === 'GET' && url.pathname.startsWith('/files/');
    const route = isFile ? undefined : this.spec.match(method, url.pathname);
    const op = route?.op;

    // Market counts a request against the parallel limit from arrival to answer, hung ones included.
    let inFlightAtArrival = 0;
    if (op?.businessScoped) {
      const biz = route!.pathParams.businessId!;
      inFlightAtArrival = (this.inFlight.get(biz) ?? 0) + 1;
      this.inFlight.set(biz, inFlightAtArrival);
      this.maxInFlightSeen = Math.max(this.maxInFlightSeen, inFlightAtArrival);
      res.once('close', () => this.inFlight.set(biz, (this.inFlight.get(biz) ?? 1) - 1));
    }

    let body: { bytes: Buffer; truncated: boolean };
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away mid-body
    }

    const rec: RecordedRequest = {
      operationId: op?.operationId,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: redactHeaders(req.headers),
      apiKeyOk,
      body: undefined,
      status: 0,
      startedAt,
    };
    res.once('close', () => {
      rec.endedAt = hrNow();
      this.notify();
    });

    if (!route) {
      this.requests.push(rec);
      return this.serveFile(url.pathname, res, rec);
    }
    if (!op) {
      const reason = route.wrongMethod
        ? `${method} is not declared for ${url.pathname}`
        : `no operation in the spec matches ${method} ${url.pathname}`;
      this.violations.push({ method, path: url.pathname, reasons: [reason] });
      this.requests.push(rec);
      return this.send(res, rec, error(route.wrongMethod ? 405 : 404, 'NOT_FOUND', reason));
    }

    const v = await this.spec.validateRequest(
      op,
      {
        pathParams: route.pathParams,
        query: [...url.searchParams],
        headers: req.headers,
        body: body.bytes,
        bodyTruncated: body.truncated,
      },
      { allowDeprecated: this.allowDeprecated },
    );
    rec.body = v.recordedBody;
    this.requests.push(rec);
    this.notify();

    if (v.reasons.length > 0) {
      this.violations.push({ operationId: op.operationId, method, path: url.pathname, reasons: v.reasons });
      if (v.credentialsMissing) return this.send(res, rec, this.unauthorized(req), op);
      if (apiKeyOk) this.window(op).used++; // a 4xx counts against the hourly quota
      return this.send(res, rec, error(400, 'BAD_REQUEST', v.reasons.join('; ')), op);
    }
    if (!apiKeyOk) return this.send(res, rec, this.unauthorized(req), op);
    if (op.businessScoped && inFlightAtArrival > this.maxParallel) {
      const msg = `Hit rate limit of ${this.maxParallel} parallel requests for businessId ${route.pathParams.businessId}`;
      return this.send(res, rec, error(420, 'REQUEST_LIMIT_EXCEEDED', msg), op);
    }

    const fault = this.takeFault(op.operationId);
    if (fault) {
      rec.fault = describeFault(fault);
      this.notify();
    }
    if (fault?.processAfterMs !== undefined) {
      const later = fault.processAfterMs;
      void this.deliverFault(fault, req, res, rec, op).then(() => this.sleep(later)).then(() => {
        if (!this.stopped) this.process(op, route.pathParams, v);
      });
      return;
    }
    if (fault && !fault.afterProcess && (await this.deliverFault(fault, req, res, rec, op))) return;
    if (this.stopped || res.destroyed) return;

    const reply = this.process(op, route.pathParams, v);
    if (fault?.afterProcess && (await this.deliverFault(fault, req, res, rec, op))) return;
    this.send(res, rec, reply, op);
  }

  /** Hourly quota, then business and scope checks, then the operation itself. */
  private process(op: SpecOperation, pathParams: Record<string, string>, v: ValidationResult): Reply {
    const w = this.window(op);
    const limit = this.limitOf(op);
    if (w.used >= limit) {
      const msg = `Hit rate limit of '${limit}' requests per '${op.periodLabel}' for resource '${op.resourceId}'`;
      return error(420, 'REQUEST_LIMIT_EXCEEDED', msg);
    }
    w.used++; // 2xx and 4xx both count
    if (op.businessScoped && Number(pathParams.businessId) !== this.businessId) {
      return error(403, 'FORBIDDEN', `Access denied to businessId ${pathParams.businessId}`);
    }
    if (!op.scopes.some((s) => this.scopes.includes(s))) {
      return error(403, 'FORBIDDEN', 'Token does not have any of the scopes to access the API method');
    }
    try {
      return this.execute(op.operationId, pathParams, v);
    } catch (err) {
      if (err instanceof NotFound) return error(404, 'NOT_FOUND', err.message);
      if (err instanceof BadRequest || err instanceof BadOrdersRequest) return error(400, 'BAD_REQUEST', err.message);
      throw err;
    }
  }

  private execute(id: OperationId, pathParams: Record<string, string>, v: ValidationResult): Reply {
    const q = v.params;
    const chatId = Number(q.chatId);
    if (isFeedbackOp(id)) return this.feedback.execute(id, v);
    switch (id) {
      case 'getAuthTokenInfo':
        return ok({ apiKey: { name: 'test', authScopes: [...this.scopes] } });
      case 'getCampaigns':
        // Per the spec, campaigns are at the top level (no status/result envelope).
        return {
          status: 200,
          body: {
            campaigns: [this.campaign()],
            pager: { total: 1, from: 1, to: 1, currentPage: 1, pagesCount: 1, pageSize: 1 },
          },
        };
      case 'getCampaign':
        if (Number(pathParams.campaignId) !== this.campaignId) throw new NotFound('Campaign not found');
        return { status: 200, body: { campaign: this.campaign() } };
      case 'getChat':
        return ok(this.state.getChat(chatId));
      case 'getChats':
        return ok(this.state.listChats(v.json as GetChatsRequest, Number(q.limit ?? 10), q.pageToken));
      case 'getChatHistory': {
        const from = (v.json as { messageIdFrom?: number }).messageIdFrom;
        return ok(this.state.history(chatId, from, Number(q.limit ?? 50), q.pageToken, this.historyOrder));
      }
      case 'getChatMessage':
        return ok(this.state.getMessage(chatId, Number(q.messageId)));
      case 'sendMessageToChat':
        this.state.addMessage(chatId, { sender: 'PARTNER', message: (v.json as { message: string }).message });
        return { status: 200, body: { status: 'OK' } };
      case 'sendFileToChat': {
        this.state.getChat(chatId); // 404 before storing anything
        const f = v.file!;
        const stored = this.state.storeFile(f.name, f.bytes, f.contentType, this.url);
        const payload = [{ name: f.name, url: stored.url, size: f.bytes.length }];
        this.state.addMessage(chatId, { sender: 'PARTNER', payload });
        return { status: 200, body: { status: 'OK' } };
      }
      case 'getBusinessOrders':
        // No status/result envelope in this answer.
        return this.orders.execute(v.json as Parameters<FakeOrders['execute']>[0], q);
      case 'createChat': {
        const body = v.json as { context?: ChatContext; orderId?: number };
        const ctx = body.context ?? (body.orderId !== undefined ? { type: 'ORDER' as const, id: body.orderId } : undefined);
        if (!ctx) throw new BadRequest('context is required');
        return ok({ chatId: this.state.createChat(ctx) });
      }
    }
  }

  /** Delivers a fault. Returns true when the request is finished (answered, reset or hung for good). */
  private async deliverFault(
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest,
    op: SpecOperation,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'status': {
        const d = defaultError(fault.status, op, this.limitOf(op));
        const reply = error(fault.status, fault.code ?? d.code, fault.message ?? d.message);
        // The default 420 is the documented resource answer, whose window is used up; a 420 with its own message
        // (the parallel-requests answer, or one Market does not document) shows the real count, like Market does.
        const usedUp = fault.status === 420 && fault.message === undefined;
        reply.headers = { ...(usedUp ? { 'X-RateLimit-Resource-Remaining': '0' } : {}), ...fault.headers };
        this.send(res, rec, reply, op);
        return true;
      }
      case 'html':
        this.sendRaw(res, rec, fault.status, 'text/html', htmlErrorPage(fault.status));
        return true;
      case 'raw':
        this.sendRaw(res, rec, fault.status, fault.contentType ?? 'application/json', fault.body);
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'hang':
        if (fault.ms === undefined) return true; // the socket stays open until the client gives up or stop()
        await this.sleep(fault.ms);
        return this.stopped || res.destroyed;
      case 'delay':
        await this.sleep(fault.ms);
        return this.stopped || res.destroyed;
    }
  }

  private takeFault(op: OperationId): Fault | undefined {
    const i = this.faultQueue.findIndex((f) => f.op === op || f.op === '*');
    const queued = this.faultQueue[i];
    if (queued) {
      if (--queued.times <= 0) this.faultQueue.splice(i, 1);
      return queued.fault;
    }
    const r = this.randomFaults;
    if (r && r.kinds.length > 0 && (!r.ops || r.ops.includes(op)) && r.rng() < r.rate) {
      return r.kinds[Math.floor(r.rng() * r.kinds.length)];
    }
    return undefined;
  }

  // ---- Limits ----

  private limitOf(op: SpecOperation): number {
    return this.quotas[op.operationId] ?? op.hourlyLimit;
  }

  /** The operation's current hourly window; a new one opens at the first request after the last one ended. */
  private window(op: SpecOperation): Window {
    const t = this.now();
    let w = this.windows.get(op.operationId);
    if (!w || t >= w.end) {
      w = { used: 0, end: t + op.periodMs };
      this.windows.set(op.operationId, w);
    }
    return w;
  }

  private rateHeaders(op: SpecOperation): Record<string, string> {
    const w = this.window(op);
    const limit = this.limitOf(op);
    return {
      'X-RateLimit-Resource-Limit': String(limit),
      'X-RateLimit-Resource-Remaining': String(Math.max(0, limit - w.used)),
      'X-RateLimit-Resource-Until': new Date(w.end).toUTCString(),
    };
  }

  // ---- Answers ----

  private unauthorized(req: IncomingMessage): Reply {
    const key = req.headers['api-key'];
    const prefixed = typeof key === 'string' && /^bearer\s/i.test(key);
    return error(401, 'UNAUTHORIZED', prefixed ? 'Api-Key token prefix invalid' : 'Api-Key token is invalid');
  }

  private campaign() {
    return {
      id: this.campaignId,
      domain: 'test-shop.example',
      business: { id: this.businessId, name: this.businessName },
      placementType: 'FBS',
      apiAvailability: 'AVAILABLE',
    };
  }

  private send(res: ServerResponse, rec: RecordedRequest, reply: Reply, op?: SpecOperation): void {
    const headers = { ...(op ? this.rateHeaders(op) : {}), ...reply.headers };
    this.sendRaw(res, rec, reply.status, 'application/json; charset=utf-8', JSON.stringify(reply.body), headers);
  }

  private sendRaw(
    res: ServerResponse,
    rec: RecordedRequest,
    status: number,
    contentType: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    rec.status = status;
    res.writeHead(status, { 'Content-Type': contentType, ...headers });
    res.end(body);
    this.notify();
  }

  private serveFile(pathname: string, res: ServerResponse, rec: RecordedRequest): void {
    const id = pathname.split('/')[2] ?? '';
    const file = this.state.file(id);
    if (!file) return this.sendRaw(res, rec, 404, 'text/plain', 'no such file');
    this.sendRaw(res, rec, 200, file.contentType, file.bytes, { 'Content-Length': String(file.bytes.length) });
  }

  // ---- Plumbing ----

  private notify(): void {
    for (const w of this.waiters) {
      const hit = this.requests.find((r) => safePred(w.pred, r));
      if (!hit) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(hit);
    }
  }

  /** A timer that stop() cuts short, so hung handlers finish when the server closes. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleepers.add(sleeper);
    });
  }
}

function ok(result: unknown): Reply {
  return { status: 200, body: { status: 'OK', result } };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { status: 'ERROR', errors: [{ code, message }] } };
}

function defaultError(status: number, op: SpecOperation, limit: number): { code: string; message: string } {
  switch (status) {
    case 400:
      return { code: 'BAD_REQUEST', message: 'Bad request' };
    case 401:
      return { code: 'UNAUTHORIZED', message: 'Api-Key token is invalid' };
    case 403:
      return { code: 'FORBIDDEN', message: 'Access denied' };
    case 404:
      return { code: 'NOT_FOUND', message: 'Not found' };
    case 420:
      return {
        code: 'REQUEST_LIMIT_EXCEEDED',
        message: `Hit rate limit of '${limit}' requests per '${op.periodLabel}' for resource '${op.resourceId}'`,
      };
    case 423:
      return { code: 'LOCKED', message: 'Business is locked: migration in progress' };
    case 502:
      return { code: 'BAD_GATEWAY', message: 'Bad gateway' };
    case 503:
      return { code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable' };
    case 504:
      return { code: 'GATEWAY_TIMEOUT', message: 'Gateway timeout' };
    default:
      return { code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
}

function htmlErrorPage(status: number): string {
  return [
    '<html>',
    `<head><title>${status} Bad Gateway</title></head>`,
    '<body>',
    `<center><h1>${status} Bad Gateway</h1></center>`,
    '<hr><center>nginx</center>',
    '</body>',
    '</html>',
    '',
  ].join('\r\n');
}

function describeFault(f: Fault): string {
  let s: string = f.kind;
  if ('status' in f) s += `:${f.status}`;
  if ('ms' in f && f.ms !== undefined) s += `:${f.ms}ms`;
  if (f.processAfterMs !== undefined) s += `+processAfter:${f.processAfterMs}ms`;
  return f.afterProcess ? `${s}+afterProcess` : s;
}

function redactHeaders(h: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = k === 'api-key' || k === 'authorization' ? '<redacted>' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function queryString(q: Record<string, string>): string {
  const s = new URLSearchParams(q).toString();
  return s ? `?${s}` : '';
}

function safePred(pred: (r: RecordedRequest) => boolean, r: RecordedRequest): boolean {
  try {
    return pred(r);
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<{ bytes: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    req.on('data', (chunk: Buffer) => {
      if (kept + chunk.length > MAX_KEPT_BODY_BYTES) truncated = true;
      else {
        chunks.push(chunk);
        kept += chunk.length;
      }
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), truncated }));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

/** mulberry32: a tiny seeded PRNG, so random fault runs are reproducible (the fault suite uses it too). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
