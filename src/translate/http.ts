/**
 * What both translation providers share: one axios instance (status and body judged here), every failure as a
 * TranslateError, and the providers' rate limits respected. Translating is idempotent, so a 429, a 5xx or a lost
 * connection is retried a couple of times (after `Retry-After` when the provider sends one); beyond that the
 * provider is left alone for a while (`pausedUntil`) and calls fail at once, so an outage or a used-up quota never
 * turns into a flood of requests.
 */
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { axios } from '../util/axios.js';
import { secretScrubber } from '../logger.js';
import { sleep } from '../util/sleep.js';
import { TranslateError, type TranslateErrorKind } from './translator.js';

export interface TranslatorOptions {
  timeoutMs: number;
  /** Retries of one request after a 429, a 5xx or no answer. */
  maxRetries: number;
  /** First retry's wait without Retry-After (doubled each time). */
  retryBaseMs: number;
  /** A Retry-After longer than this is not waited out inside one call: the call fails and the pause covers it. */
  maxRetryWaitMs: number;
  /** After a call failed for good, how long the provider is left alone, per kind. */
  pauseMs: Record<TranslateErrorKind, number>;
  /** Requests in flight at once (Yandex allows 20 calls a second per method; DeepL publishes no rate). */
  maxParallel: number;
  now?: () => number;
}

export const DEFAULT_TRANSLATOR_OPTIONS: TranslatorOptions = {
  timeoutMs: 10_000,
  maxRetries: 2,
  retryBaseMs: 1_000,
  maxRetryWaitMs: 5_000,
  // A used-up quota (DeepL's 456) does not come back within minutes; a refused key needs the owner.
  pauseMs: { auth: 60_000, quota: 10 * 60_000, rate_limited: 30_000, unavailable: 10_000, rejected: 0 },
  maxParallel: 2,
};

export interface Answer {
  status: number;
  body: unknown;
  retryAfterMs: number | undefined;
}

export abstract class HttpTranslator {
  protected readonly http: AxiosInstance;
  protected readonly opts: TranslatorOptions;
  private readonly scrub: (text: string) => string;
  private pausedUntil = 0;
  private pausedBy: TranslateError | undefined;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  protected constructor(baseUrl: string, headers: Record<string, string>, secrets: readonly string[], opts: Partial<TranslatorOptions>) {
    this.opts = { ...DEFAULT_TRANSLATOR_OPTIONS, ...opts, pauseMs: { ...DEFAULT_TRANSLATOR_OPTIONS.pauseMs, ...opts.pauseMs } };
    this.scrub = secretScrubber(secrets);
    const agent = { keepAlive: true, maxSockets: this.opts.maxParallel };
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: this.opts.timeoutMs,
      headers: { ...headers, Accept: 'application/json' },
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** The provider's words for a failed answer: its code and message, from its own error body. */
  protected abstract describeError(status: number, body: unknown): { kind: TranslateErrorKind; code?: string; message?: string };

  /** Sends one request (retried as the module comment says) and returns the parsed 2xx body. */
  protected async request(config: AxiosRequestConfig): Promise<unknown> {
    if (this.pausedUntil > this.now() && this.pausedBy) throw this.pausedBy;
    await this.slot();
    try {
      for (let attempt = 0; ; attempt++) {
        const answer = await this.once(config);
        if ('body' in answer && answer.status >= 200 && answer.status < 300) return answer.body;
        const failure = 'error' in answer ? answer.error : this.failure(answer);
        const retryable = failure.kind === 'rate_limited' || failure.kind === 'unavailable';
        const wait = 'retryAfterMs' in answer && answer.retryAfterMs !== undefined ? answer.retryAfterMs : this.opts.retryBaseMs * 2 ** attempt;
        if (retryable && attempt < this.opts.maxRetries && wait <= this.opts.maxRetryWaitMs) {
          await sleep(wait);
          continue;
        }
        const pause = Math.max(this.opts.pauseMs[failure.kind], 'retryAfterMs' in answer ? (answer.retryAfterMs ?? 0) : 0);
        if (pause > 0) {
          this.pausedUntil = this.now() + pause;
          this.pausedBy = failure;
        }
        throw failure;
      }
    } finally {
      this.release();
    }
  }

  private async once(config: AxiosRequestConfig): Promise<Answer | { error: TranslateError }> {
    let res;
    try {
      res = await this.http.request<string>(config);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { error: new TranslateError('unavailable', typeof code === 'string' ? code : 'no answer') };
    }
    let body: unknown;
    try {
      body = res.data === '' ? undefined : JSON.parse(res.data);
    } catch {
      if (res.status >= 200 && res.status < 300) return { error: new TranslateError('unavailable', `HTTP ${res.status} · not JSON`) };
      body = undefined;
    }
    return { status: res.status, body, retryAfterMs: retryAfter(res.headers['retry-after'], this.now()) };
  }

  private failure(a: Answer): TranslateError {
    const d = this.describeError(a.status, a.body);
    const detail = [`HTTP ${a.status}`, d.code, d.message ? this.scrub(d.message).slice(0, 200) : undefined].filter(Boolean).join(' · ');
    return new TranslateError(d.kind, detail);
  }

  /** A 2xx body that is not what the provider documents. */
  protected badAnswer(what: string): TranslateError {
    return new TranslateError('unavailable', `unexpected answer: ${what}`);
  }

  private async slot(): Promise<void> {
    if (this.active < this.opts.maxParallel) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Splits `texts` into consecutive groups of at most `maxItems` items and `maxChars` characters in total. */
export function batches(texts: readonly string[], maxItems: number, maxChars: number): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const text of texts) {
    if (current.length > 0 && (current.length >= maxItems || chars + text.length > maxChars)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(text);
    chars += text.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}
