/**
 * Yandex Cloud Translate API v2 (../shared/market-api/translation-apis.md §1): POST /translate/v2/translate with
 * `Authorization: Api-Key <key>` (a service account's API key), `texts[]` of at most 10,000 characters in total per
 * request. `folderId` is sent only when YANDEX_TRANSLATE_FOLDER_ID is set (the docs conflict on whether a service
 * account needs it). Errors are google.rpc.Status bodies: `{code, message, details}`.
 */
import { HttpTranslator, batches, type TranslatorOptions } from './http.js';
import type { Translation, Translator, TranslateErrorKind } from './translator.js';

/** The documented limit on the total length of `texts` in one request. */
const MAX_CHARS = 10_000;
/** Not documented; keeps one request's answer small. */
const MAX_ITEMS = 100;

export class YandexTranslator extends HttpTranslator implements Translator {
  readonly name = 'yandex';
  private languages: Promise<Set<string>> | undefined;

  constructor(private readonly cfg: { apiKey: string; folderId: string | undefined; url: string }, opts: Partial<TranslatorOptions> = {}) {
    super(cfg.url, { Authorization: `Api-Key ${cfg.apiKey}`, 'Content-Type': 'application/json' }, [cfg.apiKey], opts);
  }

  async translate(texts: readonly string[], to: string, from?: string): Promise<Translation[]> {
    const out: Translation[] = [];
    for (const batch of batches(texts, MAX_ITEMS, MAX_CHARS)) {
      const body = await this.request({
        method: 'POST',
        url: '/translate/v2/translate',
        data: {
          texts: batch,
          targetLanguageCode: to,
          ...(from ? { sourceLanguageCode: from } : {}),
          format: 'PLAIN_TEXT',
          ...(this.cfg.folderId ? { folderId: this.cfg.folderId } : {}),
        },
      });
      const list = (body as { translations?: unknown } | undefined)?.translations;
      if (!Array.isArray(list) || list.length !== batch.length) throw this.badAnswer(`${Array.isArray(list) ? list.length : 'no'} translations for ${batch.length} texts`);
      for (const item of list as { text?: unknown; detectedLanguageCode?: unknown }[]) {
        if (typeof item?.text !== 'string') throw this.badAnswer('a translation without text');
        const detected = typeof item.detectedLanguageCode === 'string' ? item.detectedLanguageCode.toLowerCase() : (from ?? '');
        out.push({ text: item.text, detected });
      }
    }
    return out;
  }

  async supports(code: string): Promise<boolean> {
    this.languages ??= this.request({
      method: 'POST',
      url: '/translate/v2/languages',
      data: this.cfg.folderId ? { folderId: this.cfg.folderId } : {},
    }).then((body) => {
      const list = (body as { languages?: unknown } | undefined)?.languages;
      if (!Array.isArray(list)) throw this.badAnswer('no language list');
      return new Set((list as { code?: unknown }[]).flatMap((l) => (typeof l?.code === 'string' ? [l.code.toLowerCase()] : [])));
    });
    try {
      return (await this.languages).has(code.toLowerCase());
    } catch (err) {
      this.languages = undefined; // asked again next time
      throw err;
    }
  }

  protected describeError(status: number, body: unknown): { kind: TranslateErrorKind; code?: string; message?: string } {
    const b = (body ?? {}) as { code?: unknown; message?: unknown };
    const grpc = typeof b.code === 'number' ? b.code : undefined;
    const message = typeof b.message === 'string' ? b.message : undefined;
    const code = grpc !== undefined ? (GRPC_NAMES[grpc] ?? String(grpc)) : undefined;
    const kind: TranslateErrorKind =
      status === 401 || status === 403
        ? 'auth'
        : status === 429
          ? 'rate_limited'
          : status >= 500 || status === 408
            ? 'unavailable'
            : 'rejected';
    return { kind, code, message };
  }
}

const GRPC_NAMES: Record<number, string> = {
  3: 'INVALID_ARGUMENT',
  5: 'NOT_FOUND',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  16: 'UNAUTHENTICATED',
};

