/**
 * What the two fake translation servers (translate-yandex.ts, translate-deepl.ts) share: an HTTP server on
 * 127.0.0.1 that records every request, checks it against the provider's documented format (a request outside it
 * lands in `violations`, which tests assert stays empty), injects faults, and "translates" with a small phrase book:
 * a known phrase gets its known translation, anything else comes back as `[<lang>] <text>`. The source language is
 * detected from the script (Han -> zh, Cyrillic -> ru, Latin -> en), as a real service would for these texts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedTranslateRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (undefined for GET or an unreadable body). */
  body: unknown;
  status: number;
}

export interface TranslateFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Handled {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Phrases the fakes translate like a real service; keyed by target language, then source text. */
const PHRASES: Record<string, Record<string, string>> = {
  zh: {
    'Где мой заказ?': '我的订单在哪里？',
    'Здравствуйте! Можно поменять размер?': '您好！可以换尺码吗？',
    'Спасибо, жду.': '谢谢，我等着。',
  },
  ru: {
    '您好，明天发货。': 'Здравствуйте, отправим завтра.',
    '可以，请告诉我尺码。': 'Да, напишите, пожалуйста, размер.',
    'We ship tomorrow.': 'Отправим завтра.',
  },
  en: {
    'Где мой заказ?': 'Where is my order?',
  },
};

export function detectScript(text: string): string {
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  if (/[А-Яа-яЁё]/.test(text)) return 'ru';
  if (/[A-Za-z]/.test(text)) return 'en';
  return '';
}

/** The fake's translation of `text` into `to` (a base code, lower case). */
export function fakeTranslate(text: string, to: string, from?: string): string {
  const known = PHRASES[to]?.[text];
  if (known !== undefined) return known;
  if ((from ?? detectScript(text)) === to) return text;
  return `[${to}] ${text}`;
}

export abstract class FakeTranslateServer {
  readonly requests: RecordedTranslateRequest[] = [];
  readonly violations: string[] = [];
  private readonly faults: { fault: TranslateFault; times: number }[] = [];
  private always: TranslateFault | undefined;
  protected server!: Server;
  port = 0;

  protected constructor(readonly apiKey: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests get this answer instead of being served. */
  failNext(fault: TranslateFault, times = 1): void {
    this.faults.push({ fault, times });
  }

  /** Every request gets this answer until clearFaults() (the service is down, the key is revoked). */
  failAlways(fault: TranslateFault): void {
    this.always = fault;
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.always = undefined;
  }

  /** Requests to the translate method, in order. */
  abstract translateCalls(): RecordedTranslateRequest[];

  /** The documented answer to a valid, authorised request; a violation is recorded with `violation()`. */
  protected abstract serve(req: RecordedTranslateRequest): Handled;

  /** The provider's answer for a refused key. */
  protected abstract authCheck(req: RecordedTranslateRequest): Handled | undefined;

  /** What in the request breaks the documented format (path, method, headers, body); checked before any fault. */
  protected abstract problems(req: RecordedTranslateRequest): string[];

  protected violation(req: RecordedTranslateRequest, what: string): Handled {
    this.violations.push(`${req.method} ${req.path}: ${what}`);
    return { status: 400, body: { message: `fake: ${what}` } };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const rec: RecordedTranslateRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      status: 0,
    };
    let answer: Handled;
    if (raw !== '') {
      try {
        rec.body = JSON.parse(raw);
      } catch {
        rec.body = raw;
      }
    }
    if (raw !== '' && typeof rec.body === 'string') answer = this.violation(rec, 'body is not JSON');
    else if (raw !== '' && !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      answer = this.violation(rec, `Content-Type ${req.headers['content-type']} with a JSON body`);
    } else if (this.problems(rec).length > 0) {
      answer = this.violation(rec, this.problems(rec).join('; '));
    } else {
      const fault = this.takeFault();
      answer = fault ? { status: fault.status, body: fault.body ?? {}, headers: fault.headers } : (this.authCheck(rec) ?? this.serve(rec));
    }
    rec.status = answer.status;
    this.requests.push(rec);
    res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private takeFault(): TranslateFault | undefined {
    const next = this.faults[0];
    if (next) {
      if (--next.times <= 0) this.faults.shift();
      return next.fault;
    }
    return this.always;
  }
}

/** `keys` of an object that are not in `allowed`. */
export function unknownKeys(o: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(o).filter((k) => !allowed.includes(k));
}
