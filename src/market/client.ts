/**
 * The Partner API client: one method per chat operation the bridge uses, requests shaped by the official spec's
 * types, every call through MarketLimits, every failure as a MarketError. Bodies are read as text and parsed here,
 * so an HTML error page or a cut body becomes a clear `bad_response` instead of a crash.
 */
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { axios } from '../util/axios.js';
import type { z } from 'zod';
import { secretScrubber } from '../logger.js';
import { MarketError, kindForStatus, rateLimitCause, reachForStatus } from './errors.js';
import { type MarketLimits, type OperationId, type Priority, type RateHeaders } from './limits.js';
import {
  businessOrdersResultSchema,
  campaignsResultSchema,
  chatInfoSchema,
  chatMessageSchema,
  getChatsResultSchema,
  historyResultSchema,
  tokenInfoResultSchema,
  type BusinessOrdersPage,
  type ChatHistoryPage,
  type ChatInfo,
  type ChatMessage,
  type ChatsPage,
  type GetBusinessOrdersBody,
  type GetBusinessOrdersQuery,
  type GetChatHistoryBody,
  type GetChatHistoryQuery,
  type GetChatsBody,
  type GetChatsQuery,
  type SendMessageBody,
} from './types.js';
import {
  answerListSchema,
  goodsFeedbackCommentListSchema,
  goodsFeedbackCommentSchema,
  goodsFeedbackListSchema,
  questionListSchema,
  updateQuestionEntitySchema,
  type GetGoodsFeedbackCommentsBody,
  type GetGoodsFeedbacksBody,
  type GetGoodsQuestionAnswersBody,
  type GetGoodsQuestionsBody,
  type GoodsAnswerPage,
  type GoodsFeedbackComment,
  type GoodsFeedbackCommentPage,
  type GoodsFeedbackPage,
  type GoodsQuestionPage,
  type PageQuery,
  type SkipGoodsFeedbacksReactionBody,
  type UpdateGoodsFeedbackCommentBody,
  type UpdateGoodsQuestionTextEntityBody,
} from './feedback-types.js';

export interface MarketClientOptions {
  baseUrl: string;
  apiKey: string;
  businessId: number;
  limits: MarketLimits;
  /** Per-request timeout; a send that times out may still have been delivered (see relay reconciliation). */
  timeoutMs?: number;
  userAgent?: string;
  /** Told of every answer: the method and its HTTP status, or `network` when none came (for metrics and health). */
  onAnswer?: (op: OperationId, status: number | 'network') => void;
}

/** After a "4 parallel requests" 420, try again this soon. */
const PARALLEL_RETRY_MS = 1000;

// The limits live in src/limits.ts (no dependencies); re-exported for the callers that already import them here.
export { MAX_FILE_BYTES, MESSAGE_MAX_LENGTH } from '../limits.js';

export class MarketClient {
  private readonly http: AxiosInstance;
  private readonly base: string;
  /** Market's error texts are stored and shown to sellers; one that echoes the Api-Key must not carry it on. */
  private readonly scrub: (text: string) => string;

  constructor(private readonly opts: MarketClientOptions) {
    this.base = `/v2/businesses/${opts.businessId}`;
    this.scrub = secretScrubber([opts.apiKey]);
    const agentOpts = { keepAlive: true, maxSockets: opts.limits.maxParallel };
    this.http = axios.create({
      baseURL: opts.baseUrl,
      timeout: opts.timeoutMs ?? 15_000,
      headers: {
        'Api-Key': opts.apiKey,
        'X-Market-Integration': opts.userAgent ?? 'market-bridge/0.1.0',
        Accept: 'application/json',
      },
      httpAgent: new http.Agent(agentOpts),
      httpsAgent: new https.Agent(agentOpts),
      // Status and body are judged here, not by axios.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
  }

  get limits(): MarketLimits {
    return this.opts.limits;
  }

  /** GET /v2/businesses/{businessId}/chat */
  async getChat(chatId: number, priority: Priority = 'relay'): Promise<ChatInfo> {
    return this.call('getChat', priority, { method: 'GET', url: `${this.base}/chat`, params: { chatId } }, chatInfoSchema);
  }

  /** POST /v2/businesses/{businessId}/chats (one page). */
  async getChats(body: GetChatsBody, query: GetChatsQuery, priority: Priority = 'sync'): Promise<ChatsPage> {
    return this.call(
      'getChats',
      priority,
      { method: 'POST', url: `${this.base}/chats`, params: query, data: body },
      getChatsResultSchema,
    );
  }

  /** POST /v2/businesses/{businessId}/chats/history (one page). */
  async getChatHistory(
    query: GetChatHistoryQuery,
    body: GetChatHistoryBody,
    priority: Priority = 'sync',
  ): Promise<ChatHistoryPage> {
    return this.call(
      'getChatHistory',
      priority,
      { method: 'POST', url: `${this.base}/chats/history`, params: query, data: body },
      historyResultSchema,
    );
  }

  /** GET /v2/businesses/{businessId}/chats/message */
  async getChatMessage(chatId: number, messageId: number, priority: Priority = 'sync'): Promise<ChatMessage> {
    return this.call(
      'getChatMessage',
      priority,
      { method: 'GET', url: `${this.base}/chats/message`, params: { chatId, messageId } },
      chatMessageSchema,
    );
  }

  /** POST /v2/businesses/{businessId}/chats/message: the buyer sees `text` from the shop. */
  async sendMessage(chatId: number, text: string): Promise<void> {
    const data: SendMessageBody = { message: text };
    await this.call('sendMessageToChat', 'relay', {
      method: 'POST',
      url: `${this.base}/chats/message`,
      params: { chatId },
      data,
    });
  }

  /** POST /v2/businesses/{businessId}/chats/file/send, multipart field `file`. */
  async sendFile(chatId: number, file: { name: string; bytes: Uint8Array; contentType: string }): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([file.bytes], { type: file.contentType }), file.name);
    await this.call('sendFileToChat', 'relay', {
      method: 'POST',
      url: `${this.base}/chats/file/send`,
      params: { chatId },
      data: form,
    });
  }

  /** POST /v2/auth/token: the key's name and scopes. */
  async getTokenInfo(): Promise<{ name: string; scopes: string[] }> {
    const r = await this.call('getAuthTokenInfo', 'relay', { method: 'POST', url: '/v2/auth/token' }, tokenInfoResultSchema);
    return { name: r.apiKey.name, scopes: r.apiKey.authScopes };
  }

  /** GET /v2/campaigns: the business ids this key can reach. Its answer has no status/result envelope. */
  async getBusinessIds(): Promise<number[]> {
    const r = await this.call(
      'getCampaigns',
      'relay',
      { method: 'GET', url: '/v2/campaigns' },
      campaignsResultSchema,
      false,
    );
    return [...new Set(r.campaigns.map((c) => c.business?.id).filter((id): id is number => id !== undefined))];
  }

  /** GET /v2/campaigns: the key's stores (campaigns) with their business id and name (the first page). */
  async getCampaigns(): Promise<{ id?: number; domain?: string; business?: { id?: number; name?: string } }[]> {
    const r = await this.call('getCampaigns', 'relay', { method: 'GET', url: '/v2/campaigns' }, campaignsResultSchema, false);
    return r.campaigns;
  }

  /**
   * POST /v1/businesses/{businessId}/orders (one page): the orders behind chat cards. Needs an order scope on the key
   * (communication alone gets 403). Its answer has no status/result envelope.
   */
  async getBusinessOrders(
    body: GetBusinessOrdersBody,
    query: GetBusinessOrdersQuery = {},
    priority: Priority = 'sync',
  ): Promise<BusinessOrdersPage> {
    return this.call(
      'getBusinessOrders',
      priority,
      { method: 'POST', url: `/v1/businesses/${this.opts.businessId}/orders`, params: query, data: body },
      businessOrdersResultSchema,
      false,
    );
  }

  // ---- Reviews (goods feedback) and product questions: reads at `sync` priority, the seller's writes at `relay`.

  /** POST /v2/businesses/{businessId}/goods-feedback (one page). */
  async getGoodsFeedbacks(body: GetGoodsFeedbacksBody, query: PageQuery, priority: Priority = 'sync'): Promise<GoodsFeedbackPage> {
    return this.call(
      'getGoodsFeedbacks',
      priority,
      { method: 'POST', url: `${this.base}/goods-feedback`, params: query, data: body },
      goodsFeedbackListSchema,
    );
  }

  /** POST /v2/businesses/{businessId}/goods-feedback/comments (one page). */
  async getGoodsFeedbackComments(
    body: GetGoodsFeedbackCommentsBody,
    query: PageQuery,
    priority: Priority = 'sync',
  ): Promise<GoodsFeedbackCommentPage> {
    return this.call(
      'getGoodsFeedbackComments',
      priority,
      { method: 'POST', url: `${this.base}/goods-feedback/comments`, params: query, data: body },
      goodsFeedbackCommentListSchema,
    );
  }

  /** POST /v2/businesses/{businessId}/goods-feedback/comments/update: the shop's comment, as the buyer will see it. */
  async updateGoodsFeedbackComment(body: UpdateGoodsFeedbackCommentBody): Promise<GoodsFeedbackComment> {
    return this.call(
      'updateGoodsFeedbackComment',
      'relay',
      { method: 'POST', url: `${this.base}/goods-feedback/comments/update`, data: body },
      goodsFeedbackCommentSchema,
    );
  }

  /** POST /v2/businesses/{businessId}/goods-feedback/skip-reaction */
  async skipGoodsFeedbacksReaction(body: SkipGoodsFeedbacksReactionBody): Promise<void> {
    await this.call('skipGoodsFeedbacksReaction', 'relay', {
      method: 'POST',
      url: `${this.base}/goods-feedback/skip-reaction`,
      data: body,
    });
  }

  /** POST /v1/businesses/{businessId}/goods-questions (one page). */
  async getGoodsQuestions(body: GetGoodsQuestionsBody, query: PageQuery, priority: Priority = 'sync'): Promise<GoodsQuestionPage> {
    return this.call(
      'getGoodsQuestions',
      priority,
      { method: 'POST', url: `/v1/businesses/${this.opts.businessId}/goods-questions`, params: query, data: body },
      questionListSchema,
    );
  }

  /** POST /v1/businesses/{businessId}/goods-questions/answers (one page). */
  async getGoodsQuestionAnswers(
    body: GetGoodsQuestionAnswersBody,
    query: PageQuery,
    priority: Priority = 'sync',
  ): Promise<GoodsAnswerPage> {
    return this.call(
      'getGoodsQuestionAnswers',
      priority,
      { method: 'POST', url: `/v1/businesses/${this.opts.businessId}/goods-questions/answers`, params: query, data: body },
      answerListSchema,
    );
  }

  /** POST /v1/businesses/{businessId}/goods-questions/update; returns the created entity's id (CREATE). */
  async updateGoodsQuestionTextEntity(body: UpdateGoodsQuestionTextEntityBody): Promise<number> {
    const r = await this.call(
      'updateGoodsQuestionTextEntity',
      'relay',
      { method: 'POST', url: `/v1/businesses/${this.opts.businessId}/goods-questions/update`, data: body },
      updateQuestionEntitySchema,
    );
    return r.entity.id;
  }

  private async call(op: OperationId, priority: Priority, req: AxiosRequestConfig): Promise<undefined>;
  private async call<T extends z.ZodTypeAny>(
    op: OperationId,
    priority: Priority,
    req: AxiosRequestConfig,
    result: T,
    envelope?: boolean,
  ): Promise<z.infer<T>>;
  private async call<T extends z.ZodTypeAny>(
    op: OperationId,
    priority: Priority,
    req: AxiosRequestConfig,
    result?: T,
    envelope = true,
  ): Promise<z.infer<T> | undefined> {
    const permit = await this.opts.limits.acquire(op, priority);
    let res: AxiosResponse<string>;
    try {
      res = await this.http.request<string>(req);
    } catch (err) {
      permit.release();
      this.opts.onAnswer?.(op, 'network');
      throw networkError(err);
    }
    this.opts.onAnswer?.(op, res.status);
    const headers = rateHeaders(res.headers);
    const body = parseJson(res.data);
    const errors = envelopeErrors(body).map((e) => ({
      code: this.scrub(e.code),
      message: e.message === undefined ? undefined : this.scrub(e.message),
    }));
    const cause = res.status === 420 ? rateLimitCause(errors.map((e) => e.message), headers.remaining) : undefined;
    const parallel = cause === 'parallel';
    permit.release(res.status, headers, cause);

    if (res.status < 200 || res.status >= 300) {
      const first = errors[0];
      const html = typeof res.data === 'string' && /^\s*</.test(res.data);
      const info = {
        status: res.status,
        code: first?.code,
        detail: first ? errors.map((e) => e.message ?? e.code).join('; ') : html ? 'HTML page instead of JSON' : undefined,
        // X-RateLimit-Resource-Until is the end of the method's hourly window: right for a quota 420, far too
        // long for the 4-parallel-requests rule, which frees up as soon as a request ends, and for a 420 Market
        // did not explain (MarketLimits has paused the method briefly: its time is the one to wait for).
        retryAt:
          cause === undefined
            ? undefined
            : parallel
              ? Date.now() + PARALLEL_RETRY_MS
              : cause === 'unknown'
                ? (this.opts.limits.blockedUntil(op, priority) ?? Date.now())
                : headers.until,
        parallel,
        cause,
      };
      if (body === undefined && res.status < 500 && res.status !== 420) {
        // A 4xx that is not Market's JSON came from something in between (a proxy); it may not be what it says.
        throw new MarketError('bad_response', 'no', info);
      }
      throw new MarketError(kindForStatus(res.status), reachForStatus(res.status), info);
    }
    // 2xx: Market acted. A body we cannot read does not undo that.
    if (body === undefined || typeof body !== 'object' || (envelope && (body as { status?: unknown }).status !== 'OK')) {
      throw new MarketError('bad_response', 'yes', { status: res.status, detail: describeBody(res.data) });
    }
    if (!result) return undefined;
    const parsed = result.safeParse(envelope ? (body as { result?: unknown }).result : body);
    if (!parsed.success) {
      throw new MarketError('bad_response', 'yes', {
        status: res.status,
        detail: `unexpected result shape: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'result'} ${i.message}`)
          .join('; ')}`,
      });
    }
    return parsed.data;
  }
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string' || data.trim() === '') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function envelopeErrors(body: unknown): { code: string; message?: string }[] {
  if (!body || typeof body !== 'object') return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .filter((e): e is { code: unknown; message?: unknown } => !!e && typeof e === 'object')
    .map((e) => ({
      code: String(e.code ?? 'UNKNOWN'),
      message: typeof e.message === 'string' ? e.message.slice(0, 500) : undefined,
    }));
}

function describeBody(data: unknown): string {
  if (typeof data !== 'string' || data.trim() === '') return 'empty body';
  if (/^\s*</.test(data)) return 'HTML page instead of JSON';
  return 'body is not Market JSON';
}

function headerNumber(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** X-RateLimit-Resource-* headers; Until is an RFC 822 date. */
export function rateHeaders(h: AxiosResponse['headers']): RateHeaders {
  const untilRaw = h['x-ratelimit-resource-until'];
  const until = typeof untilRaw === 'string' ? Date.parse(untilRaw) : NaN;
  return {
    limit: headerNumber(h['x-ratelimit-resource-limit']),
    remaining: headerNumber(h['x-ratelimit-resource-remaining']),
    until: Number.isFinite(until) ? until : undefined,
  };
}

/** Connection-level failures. Only a refused or unresolvable connection proves nothing reached Market. */
function networkError(err: unknown): MarketError {
  const code = (err as { code?: unknown })?.code;
  const c = typeof code === 'string' ? code : undefined;
  if (c === 'ECONNABORTED' || c === 'ETIMEDOUT') {
    return new MarketError('timeout', 'maybe', { code: c, detail: 'no answer in time' });
  }
  if (c === 'ECONNREFUSED' || c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EHOSTUNREACH' || c === 'ENETUNREACH') {
    return new MarketError('network', 'no', { code: c, detail: 'could not connect' });
  }
  return new MarketError('network', 'maybe', { code: c ?? 'ERR_NETWORK', detail: 'connection lost' });
}
