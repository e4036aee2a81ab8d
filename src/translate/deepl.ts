/**
 * DeepL API v2 (../shared/market-api/translation-apis.md §2): POST /v2/translate with a JSON body and
 * `Authorization: DeepL-Auth-Key <key>` (the old auth_key parameter is no longer accepted). At most 50 texts per
 * request to be safe, well under the 128 KiB request limit. 456 means the plan's characters are used up; 429 and
 * 529 mean too many requests. Language codes are upper case on the wire.
 */
import { HttpTranslator, batches, type TranslatorOptions } from './http.js';
import { baseLanguage, type Translation, type Translator, type TranslateErrorKind } from './translator.js';

const MAX_ITEMS = 50;
/** Characters, not bytes: a Chinese character is 3 bytes in UTF-8, so 40,000 stays under 128 KiB. */
const MAX_CHARS = 40_000;

/**
 * DeepL's target codes for our plain ones: English and Portuguese want a variant (plain EN/PT as a target is
 * deprecated); Chinese `ZH` is simplified Chinese.
 */
const TARGETS: Record<string, string> = { en: 'EN-GB', pt: 'PT-BR' };

export function deeplTarget(code: string): string {
  return TARGETS[code.toLowerCase()] ?? code.toUpperCase();
}

export class DeepLTranslator extends HttpTranslator implements Translator {
  readonly name = 'deepl';
  private languages: Promise<Set<string>> | undefined;

  constructor(cfg: { apiKey: string; url: string }, opts: Partial<TranslatorOptions> = {}) {
    super(cfg.url, { Authorization: `DeepL-Auth-Key ${cfg.apiKey}`, 'Content-Type': 'application/json' }, [cfg.apiKey], opts);
  }

  async translate(texts: readonly string[], to: string, from?: string): Promise<Translation[]> {
    const out: Translation[] = [];
    for (const batch of batches(texts, MAX_ITEMS, MAX_CHARS)) {
      const body = await this.request({
        method: 'POST',
        url: '/v2/translate',
        data: { text: batch, target_lang: deeplTarget(to), ...(from ? { source_lang: baseLanguage(from).toUpperCase() } : {}) },
      });
      const list = (body as { translations?: unknown } | undefined)?.translations;
      if (!Array.isArray(list) || list.length !== batch.length) throw this.badAnswer(`${Array.isArray(list) ? list.length : 'no'} translations for ${batch.length} texts`);
      for (const item of list as { text?: unknown; detected_source_language?: unknown }[]) {
        if (typeof item?.text !== 'string') throw this.badAnswer('a translation without text');
        const detected = typeof item.detected_source_language === 'string' ? baseLanguage(item.detected_source_language) : (from ?? '');
        out.push({ text: item.text, detected });
      }
    }
    return out;
  }

  async supports(code: string): Promise<boolean> {
    this.languages ??= this.request({ method: 'GET', url: '/v2/languages', params: { type: 'target' } }).then((body) => {
      if (!Array.isArray(body)) throw this.badAnswer('no language list');
      return new Set((body as { language?: unknown }[]).flatMap((l) => (typeof l?.language === 'string' ? [l.language.toUpperCase()] : [])));
    });
    try {
      const targets = await this.languages;
      return targets.has(deeplTarget(code)) || targets.has(code.toUpperCase());
    } catch (err) {
      this.languages = undefined;
      throw err;
    }
  }

  protected describeError(status: number, body: unknown): { kind: TranslateErrorKind; code?: string; message?: string } {
    const b = (body ?? {}) as { code?: unknown; message?: unknown };
    const kind: TranslateErrorKind =
      status === 401 || status === 403
        ? 'auth'
        : status === 456
          ? 'quota'
          : status === 429 || status === 529
            ? 'rate_limited'
            : status >= 500 || status === 408
              ? 'unavailable'
              : 'rejected';
    return { kind, code: typeof b.code === 'string' ? b.code : undefined, message: typeof b.message === 'string' ? b.message : undefined };
  }
}
