/**
 * Every way a Market call can fail, as one typed error. Built only from safe parts (status, Market's code and
 * message, a network error code): never from the HTTP library's error, which carries the request headers.
 */

export type MarketErrorKind =
  | 'rejected' // 400: Market refused the content (contact details, links, bad data)
  | 'unauthorized' // 401: key missing or invalid
  | 'forbidden' // 403: key lacks the scope, or the shop/cabinet is not active
  | 'not_found' // 404: no such chat (for this business)
  | 'rate_limited' // 420 from Market
  | 'locked' // 423: e.g. the business is being migrated
  | 'server' // 5xx
  | 'bad_response' // an answer that is not Market's JSON (an HTML error page, a cut body)
  | 'timeout' // no answer in time
  | 'network' // the connection failed
  | 'quota'; // not sent: the bridge's own count says this method's hourly quota is used up

/**
 * Whether the request may have reached Market. `no`: safe to resend. `maybe`: the message may have been
 * delivered even though we saw a failure, so resending blindly could send it twice.
 */
export type Reach = 'no' | 'maybe' | 'yes';

export class MarketError extends Error {
  override readonly name = 'MarketError';
  constructor(
    readonly kind: MarketErrorKind,
    readonly reach: Reach,
    readonly info: {
      status?: number;
      code?: string;
      detail?: string;
      /** When it makes sense to try again (rate limit or quota), Unix ms. */
      retryAt?: number;
      /** 420 because of the 4-parallel-requests rule rather than an hourly quota. */
      parallel?: boolean;
      /** For a 420: which of Market's documented answers it was (see rateLimitCause). */
      cause?: RateLimitCause;
    } = {},
  ) {
    super(
      [
        `Market ${kind}`,
        info.status !== undefined ? `HTTP ${info.status}` : undefined,
        info.code,
        info.detail,
      ]
        .filter(Boolean)
        .join(': '),
    );
  }

  get status(): number | undefined {
    return this.info.status;
  }
  get code(): string | undefined {
    return this.info.code;
  }
  get detail(): string | undefined {
    return this.info.detail;
  }
  get retryAt(): number | undefined {
    return this.info.retryAt;
  }

  /** Failures that another attempt can fix without the seller doing anything. */
  get transient(): boolean {
    return ['rate_limited', 'locked', 'server', 'bad_response', 'timeout', 'network', 'quota'].includes(this.kind);
  }
}

export function kindForStatus(status: number): MarketErrorKind {
  if (status === 400) return 'rejected';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 420 || status === 429) return 'rate_limited';
  if (status === 423) return 'locked';
  if (status >= 500) return 'server';
  return 'rejected';
}

/** Statuses where Market may have acted before failing, so a send may have gone through. */
export function reachForStatus(status: number): Reach {
  return status >= 500 ? 'maybe' : 'no';
}

/**
 * Why Market answered 420, from its documented answers (docs concepts/error-codes#420 and concepts/limits):
 *  - `parallel`: "Hit rate limit of N parallel requests" (Market adds "for businessId B"): frees up as soon as a
 *    request in flight ends.
 *  - `resource`: "Hit rate limit of N requests per P for resource R", or any 420 whose
 *    X-RateLimit-Resource-Remaining says the method's count is used up: wait until X-RateLimit-Resource-Until.
 *  - `unknown`: anything else (another wording, a proxy): waited out briefly, never as a whole hourly window.
 * The error code is not documented for either answer, so only the message and the header decide.
 */
export type RateLimitCause = 'parallel' | 'resource' | 'unknown';

const PARALLEL_420 = /^Hit rate limit of '?\d[\d\s]*'? parallel requests?\b/i;
const RESOURCE_420 = /^Hit rate limit of '?\d[\d\s]*'? \S+ per .+ for resource\b/i;

export function rateLimitCause(messages: readonly (string | undefined)[], remaining: number | undefined): RateLimitCause {
  const texts = messages.map((m) => (m ?? '').trim());
  if (texts.some((m) => PARALLEL_420.test(m))) return 'parallel';
  if (texts.some((m) => RESOURCE_420.test(m)) || remaining === 0) return 'resource';
  return 'unknown';
}
