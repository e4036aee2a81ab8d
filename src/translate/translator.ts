/**
 * The one small interface both translation providers (Yandex Cloud Translate v2, DeepL v2) fit, free of axios so
 * the bridge core can use it. Language codes are ISO 639-1, lower case (`ru`, `zh`, `en`), whatever the provider
 * writes on the wire.
 */

export interface Translation {
  text: string;
  /** The language the provider detected (or was told) the source is in, lower case; '' when it could not tell. */
  detected: string;
}

export interface Translator {
  /** `yandex` or `deepl`: named in logs and in what the seller reads when it fails. */
  readonly name: string;
  /**
   * One translation per text, in order. Long lists are split into as few requests as the provider's limits allow.
   * Throws a TranslateError.
   */
  translate(texts: readonly string[], to: string, from?: string): Promise<Translation[]>;
  /** Whether the provider translates into `code` (checked when a team switches translation on). Throws a TranslateError. */
  supports(code: string): Promise<boolean>;
}

/**
 * Why a translation failed, in kinds the seller's words are chosen by: `auth` (the key was refused), `quota` (the
 * plan's characters are used up), `rate_limited` (too many requests, even after waiting), `unavailable` (5xx, no
 * answer, bad answer), `rejected` (the provider refused the request: an unknown language, say).
 */
export type TranslateErrorKind = 'auth' | 'quota' | 'rate_limited' | 'unavailable' | 'rejected';

export class TranslateError extends Error {
  override readonly name = 'TranslateError';
  constructor(
    readonly kind: TranslateErrorKind,
    /** HTTP status · provider's code · provider's message, for the technical line (secrets scrubbed). */
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}

/** `zh-Hans`, `EN-GB` -> `zh`, `en`: what the team and the buyer are compared by. */
export function baseLanguage(code: string): string {
  return code.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** What `/translate <code>` accepts before asking the provider: two or three letters, an optional region or script. */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[a-z0-9]{2,4})?$/i;
