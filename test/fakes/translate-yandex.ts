/**
 * A fake Yandex Cloud Translate API v2 (../shared/market-api/translation-apis.md §1) on loopback: POST
 * /translate/v2/translate and /translate/v2/languages with `Authorization: Api-Key <key>` and a JSON body of the
 * documented fields only (`texts` at most 10,000 characters in total, ISO 639-1 codes of at most 3 characters,
 * `folderId` at most 50). Errors are google.rpc.Status bodies, as the service sends them.
 */
import {
  FakeTranslateServer,
  detectScript,
  fakeTranslate,
  unknownKeys,
  type Handled,
  type RecordedTranslateRequest,
} from './translate-common.js';

const TRANSLATE_FIELDS = ['texts', 'targetLanguageCode', 'sourceLanguageCode', 'format', 'folderId', 'model', 'glossaryConfig', 'speller'];
export const YANDEX_LANGUAGES = ['ru', 'en', 'zh', 'de', 'fr', 'es', 'it', 'tr', 'kk', 'uz', 'ja', 'ko'];

/** google.rpc.Status bodies for the injectable errors, as Yandex sends them. */
export const yandexError = (status: number): { status: number; body: unknown } => {
  const [code, message] =
    status === 401
      ? [16, 'Unknown api key']
      : status === 403
        ? [7, 'Permission denied']
        : status === 429
          ? [8, 'Request limit exceeded']
          : status === 503
            ? [14, 'Service unavailable, try again in a few seconds']
            : [13, 'Internal error'];
  return { status, body: { code, message, details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'fake-req-1' }] } };
};

export class FakeYandexTranslate extends FakeTranslateServer {
  private constructor(
    apiKey: string,
    /** When set, every body must carry exactly this folderId; when not, none. */
    readonly folderId: string | undefined,
  ) {
    super(apiKey);
  }

  static async start(opts: { apiKey?: string; folderId?: string } = {}): Promise<FakeYandexTranslate> {
    const f = new FakeYandexTranslate(opts.apiKey ?? 'AQVNfake-yandex-translate-key-0123456789', opts.folderId);
    await f.listen();
    return f;
  }

  translateCalls(): RecordedTranslateRequest[] {
    return this.requests.filter((r) => r.path === '/translate/v2/translate');
  }

  protected problems(r: RecordedTranslateRequest): string[] {
    const out: string[] = [];
    if (r.method !== 'POST') out.push(`method ${r.method} (all methods are POST)`);
    if (!['/translate/v2/translate', '/translate/v2/languages', '/translate/v2/detect'].includes(r.path)) out.push('unknown path');
    const auth = String(r.headers.authorization ?? '');
    if (!/^(Api-Key|Bearer) \S+$/.test(auth)) out.push(`Authorization header "${auth.split(' ')[0]}" is not "Api-Key <key>"`);
    if (Object.keys(r.query).length > 0) out.push('query parameters (the key belongs in the Authorization header)');
    const b = r.body as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object' || Array.isArray(b)) return [...out, 'no JSON object body'];
    if (this.folderId !== undefined && b.folderId !== this.folderId) out.push(`folderId ${JSON.stringify(b.folderId)} (expected ${this.folderId})`);
    if (this.folderId === undefined && 'folderId' in b) out.push('folderId sent without YANDEX_TRANSLATE_FOLDER_ID');
    if (typeof b.folderId === 'string' && b.folderId.length > 50) out.push('folderId longer than 50');
    if (r.path === '/translate/v2/languages') {
      out.push(...unknownKeys(b, ['folderId']).map((k) => `unknown field ${k}`));
      return out;
    }
    if (r.path !== '/translate/v2/translate') return out;
    out.push(...unknownKeys(b, TRANSLATE_FIELDS).map((k) => `unknown field ${k}`));
    const texts = b.texts;
    if (!Array.isArray(texts) || texts.length === 0 || !texts.every((x) => typeof x === 'string')) out.push('texts must be a non-empty array of strings');
    else if (texts.join('').length > 10_000) out.push(`texts total ${texts.join('').length} characters (at most 10,000)`);
    for (const k of ['targetLanguageCode', 'sourceLanguageCode'] as const) {
      if (k in b || k === 'targetLanguageCode') {
        if (typeof b[k] !== 'string' || !/^[a-z]{2,3}$/.test(b[k] as string)) out.push(`${k} ${JSON.stringify(b[k])} is not an ISO 639-1 code`);
      }
    }
    if ('format' in b && b.format !== 'PLAIN_TEXT' && b.format !== 'HTML') out.push(`format ${JSON.stringify(b.format)}`);
    if ('model' in b) out.push('model must not be specified');
    return out;
  }

  protected authCheck(r: RecordedTranslateRequest): Handled | undefined {
    return r.headers.authorization === `Api-Key ${this.apiKey}` ? undefined : yandexError(401);
  }

  protected serve(r: RecordedTranslateRequest): Handled {
    const b = r.body as { texts?: string[]; targetLanguageCode: string; sourceLanguageCode?: string };
    if (r.path === '/translate/v2/languages') {
      return { status: 200, body: { languages: YANDEX_LANGUAGES.map((code) => ({ code, name: code })) } };
    }
    if (r.path === '/translate/v2/detect') return { status: 200, body: { languageCode: detectScript(String((b as { text?: unknown }).text ?? '')) } };
    if (!YANDEX_LANGUAGES.includes(b.targetLanguageCode)) {
      return { status: 400, body: { code: 3, message: `unsupported target_language_code: ${b.targetLanguageCode}`, details: [] } };
    }
    const translations = b.texts!.map((text) => {
      const detected = b.sourceLanguageCode ?? detectScript(text);
      return { text: fakeTranslate(text, b.targetLanguageCode, b.sourceLanguageCode), detectedLanguageCode: detected };
    });
    return { status: 200, body: { translations } };
  }
}
