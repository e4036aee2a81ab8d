/**
 * A fake DeepL API v2 (../shared/market-api/translation-apis.md §2) on loopback: POST /v2/translate with a JSON
 * body of the documented fields only (`text` 1-50 strings, `target_lang` from DeepL's target list, optional
 * `source_lang` from its source list), GET /v2/languages?type=target|source, `Authorization: DeepL-Auth-Key <key>`
 * (the legacy `auth_key` parameter is refused), answers with upper-case `detected_source_language`. Errors are
 * `{message}` bodies; 456 is "quota exceeded".
 */
import {
  FakeTranslateServer,
  detectScript,
  fakeTranslate,
  unknownKeys,
  type Handled,
  type RecordedTranslateRequest,
} from './translate-common.js';

const TRANSLATE_FIELDS = [
  'text', 'target_lang', 'source_lang', 'context', 'formality', 'model_type', 'split_sentences', 'preserve_formatting',
  'tag_handling', 'outline_detection', 'non_splitting_tags', 'splitting_tags', 'ignore_tags', 'glossary_id', 'show_billed_characters',
];
/** Part of DeepL's target list; plain EN and PT are deprecated as targets, so the fake does not list them. */
export const DEEPL_TARGETS = ['BG', 'CS', 'DE', 'EN-GB', 'EN-US', 'ES', 'FR', 'IT', 'JA', 'KO', 'PL', 'PT-BR', 'PT-PT', 'RU', 'TR', 'UK', 'ZH', 'ZH-HANS', 'ZH-HANT'];
export const DEEPL_SOURCES = ['BG', 'CS', 'DE', 'EN', 'ES', 'FR', 'IT', 'JA', 'KO', 'PL', 'PT', 'RU', 'TR', 'UK', 'ZH'];

export const deeplError = (status: number): { status: number; body: unknown } => ({
  status,
  body: {
    message:
      status === 403
        ? 'Authorization failed. Please supply a valid auth_key parameter.'
        : status === 456
          ? 'Quota exceeded. The character limit has been reached.'
          : status === 429
            ? 'Too many requests. Please wait and resend your request.'
            : 'Internal server error',
  },
});

export class FakeDeepL extends FakeTranslateServer {
  private constructor(apiKey: string) {
    super(apiKey);
  }

  static async start(opts: { apiKey?: string } = {}): Promise<FakeDeepL> {
    const f = new FakeDeepL(opts.apiKey ?? '0f3c2b1a-fake-deepl-key-4d5e6f708192:fx');
    await f.listen();
    return f;
  }

  translateCalls(): RecordedTranslateRequest[] {
    return this.requests.filter((r) => r.path === '/v2/translate');
  }

  protected problems(r: RecordedTranslateRequest): string[] {
    const out: string[] = [];
    const auth = String(r.headers.authorization ?? '');
    if (!/^DeepL-Auth-Key \S+$/.test(auth)) out.push(`Authorization header "${auth.split(' ')[0]}" is not "DeepL-Auth-Key <key>"`);
    if ('auth_key' in r.query) out.push('auth_key as a query parameter (no longer accepted)');
    if (r.path === '/v2/languages') {
      if (r.method !== 'GET') out.push(`method ${r.method}`);
      if (!['target', 'source'].includes(r.query.type ?? 'source')) out.push(`type=${r.query.type}`);
      return out;
    }
    if (r.path !== '/v2/translate') return [...out, 'unknown path'];
    if (r.method !== 'POST') out.push(`method ${r.method} (POST only since March 2025)`);
    const b = r.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return [...out, 'no JSON object body'];
    if ('auth_key' in b) out.push('auth_key in the body (no longer accepted)');
    out.push(...unknownKeys(b, TRANSLATE_FIELDS).map((k) => `unknown field ${k}`));
    const text = b.text;
    if (!Array.isArray(text) || text.length === 0 || !text.every((x) => typeof x === 'string')) out.push('text must be a non-empty array of strings');
    else if (text.length > 50) out.push(`${text.length} texts (at most 50 per request)`);
    if (Buffer.byteLength(JSON.stringify(b)) > 128 * 1024) out.push('request larger than 128 KiB');
    if (typeof b.target_lang !== 'string' || !DEEPL_TARGETS.includes(b.target_lang.toUpperCase())) out.push(`target_lang ${JSON.stringify(b.target_lang)}`);
    if ('source_lang' in b && (typeof b.source_lang !== 'string' || !DEEPL_SOURCES.includes(b.source_lang.toUpperCase()))) {
      out.push(`source_lang ${JSON.stringify(b.source_lang)}`);
    }
    return out;
  }

  protected authCheck(r: RecordedTranslateRequest): Handled | undefined {
    return r.headers.authorization === `DeepL-Auth-Key ${this.apiKey}` ? undefined : deeplError(403);
  }

  protected serve(r: RecordedTranslateRequest): Handled {
    if (r.path === '/v2/languages') {
      const list = r.query.type === 'target' ? DEEPL_TARGETS : DEEPL_SOURCES;
      return { status: 200, body: list.map((language) => ({ language, name: language })) };
    }
    const b = r.body as { text: string[]; target_lang: string; source_lang?: string };
    const to = b.target_lang.toLowerCase().split('-')[0]!;
    const from = b.source_lang?.toLowerCase();
    const translations = b.text.map((text) => ({
      detected_source_language: (from ?? detectScript(text)).toUpperCase(),
      text: fakeTranslate(text, to, from),
    }));
    return { status: 200, body: { translations } };
  }
}
