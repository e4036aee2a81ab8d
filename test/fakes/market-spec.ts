/**
 * The request validator of the fake Market: everything it knows about the API comes from the project's copy of the
 * official OpenAPI spec, so a request the real Market would reject (or silently misread) fails a test here.
 * Loaded once per process; compiling the ajv schemas is the slow part.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export type OperationId =
  | 'createChat'
  | 'getChats'
  | 'getChat'
  | 'getChatHistory'
  | 'getChatMessage'
  | 'sendMessageToChat'
  | 'sendFileToChat'
  | 'getAuthTokenInfo'
  | 'getCampaigns'
  | 'getCampaign'
  | 'getBusinessOrders'
  // Reviews and product questions (test/fakes/market-feedback.ts).
  | 'getGoodsFeedbacks'
  | 'getGoodsFeedbackComments'
  | 'updateGoodsFeedbackComment'
  | 'skipGoodsFeedbacksReaction'
  | 'getGoodsQuestions'
  | 'getGoodsQuestionAnswers'
  | 'updateGoodsQuestionTextEntity';

export const SPEC_URL = new URL('../../spec/partner-api-communication.bundled.yaml', import.meta.url);

/** Market's documented caps: a request body of at most 512 KB, a chat file of at most 5 MB. */
export const MAX_JSON_BODY_BYTES = 512 * 1024;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

type Json = Record<string, unknown>;

interface ScalarSchema {
  type?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

interface ParamSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  deprecated: boolean;
  /** `x-aliases`: other names Market accepts for this query parameter (e.g. page_token). */
  aliases: string[];
  schema: ScalarSchema;
}

export interface SpecOperation {
  operationId: OperationId;
  method: string;
  template: string;
  /** `/v2/businesses/{businessId}/...`: subject to the per-business parallel limit. */
  businessScoped: boolean;
  params: ParamSpec[];
  body?: { required: boolean; mediaType: string; validate?: ValidateFunction };
  /** ApiKeyScopeType values that may call it, from `x-auth-scopes`. */
  scopes: string[];
  resourceId: string;
  hourlyLimit: number;
  periodMs: number;
  /** As Market words it in a 420 message: '1 hour'. */
  periodLabel: string;
  raw: Json;
  regex: RegExp;
  pathParamNames: string[];
}

export interface RouteMatch {
  op?: SpecOperation;
  pathParams: Record<string, string>;
  /** The path exists in the spec, but not with this method. */
  wrongMethod: boolean;
}

export interface RequestInput {
  pathParams: Record<string, string>;
  /** Raw query pairs, in order (repeated keys kept, so they can be reported). */
  query: [string, string][];
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** More bytes arrived than were kept (see readBody); the body is certainly too large. */
  bodyTruncated: boolean;
}

export interface UploadedFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface ValidationResult {
  reasons: string[];
  /** Query parameters under their canonical names (aliases resolved). */
  params: Record<string, string>;
  json?: unknown;
  file?: UploadedFile;
  /** What goes into RecordedRequest.body. */
  recordedBody: unknown;
  /** The Api-Key header is missing or malformed: Market answers 401, not 400. */
  credentialsMissing: boolean;
}

export interface ValidateOptions {
  /** Accept deprecated parameters and properties (orderId, orderIds, page, pageSize) without a violation. */
  allowDeprecated: boolean;
}

/** Scope names in `x-auth-scopes` ('all-methods:read-only') -> ApiKeyScopeType ('ALL_METHODS_READ_ONLY'). */
function scopeEnumName(s: string): string {
  return s.replace(':read-only', '_READ_ONLY').replaceAll('-', '_').toUpperCase();
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(', ') : h;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Request schemas are made strict: every object that declares `properties` gets `additionalProperties: false`
 * (the spec leaves it open, but an undeclared property is almost always a typo the real Market would ignore),
 * and deprecated properties are listed in a custom keyword so their use can be reported.
 */
function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = strictify(v);
  if (isObject(node.properties)) {
    if (node.additionalProperties === undefined) out.additionalProperties = false;
    const deprecated = Object.entries(node.properties)
      .filter(([, p]) => isObject(p) && p.deprecated === true)
      .map(([name]) => name);
    if (deprecated.length > 0) out['x-deprecated-properties'] = deprecated;
  }
  return out;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
    a: Ajv,
  ) => Ajv;
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('binary', { type: 'string', validate: () => true });
  ajv.addKeyword({
    keyword: 'x-deprecated-properties',
    type: 'object',
    schemaType: 'array',
    errors: true,
    validate: function deprecatedProps(names: string[], data: Json) {
      const used = names.filter((n) => data[n] !== undefined);
      (deprecatedProps as { errors?: Partial<ErrorObject>[] }).errors = used.map((n) => ({
        keyword: 'x-deprecated-properties',
        message: `uses deprecated property '${n}'`,
        params: { property: n },
      }));
      return used.length === 0;
    },
  });
  return ajv;
}

function describeAjvError(e: ErrorObject): string {
  const where = `body${e.instancePath}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where} has undeclared property '${String(p.additionalProperty)}'`;
    case 'enum':
      return `${where} must be one of ${JSON.stringify(p.allowedValues)}`;
    default:
      return `${where} ${e.message ?? e.keyword}`;
  }
}

export class MarketSpec {
  private static cached: MarketSpec | undefined;

  static load(): MarketSpec {
    MarketSpec.cached ??= new MarketSpec(parseYaml(readFileSync(SPEC_URL, 'utf8')) as Json);
    return MarketSpec.cached;
  }

  readonly operations: SpecOperation[] = [];
  private readonly doc: Json;
  private readonly responseAjv = newAjv();
  private readonly responseValidators = new Map<string, ValidateFunction>();

  private constructor(doc: Json) {
    this.doc = doc;
    const components = doc.components as Json;
    const requestAjv = newAjv();
    requestAjv.addSchema({ $id: 'request-spec', components: strictify(components) });
    this.responseAjv.addSchema({ $id: 'response-spec', components });

    for (const [template, methods] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, rawOp] of Object.entries(methods)) {
        const op = rawOp as Json;
        const pathParamNames = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        const regex = new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`);
        const limits = (op['x-resource-limit-config'] ?? {}) as Record<string, Json>;
        const tariff = (limits.none ?? limits.medium ?? {}) as Json;
        const periodDuration = Number(tariff['period-duration'] ?? 1);
        const periodUnitMs = tariff.period === 'minutes' ? 60_000 : tariff.period === 'days' ? 86_400_000 : 3_600_000;
        const periodUnit = tariff.period === 'minutes' ? 'minute' : tariff.period === 'days' ? 'day' : 'hour';
        const params = ((op.parameters ?? []) as Json[]).map((p) => this.param(p));
        let body: SpecOperation['body'];
        const rb = op.requestBody ? (this.deref(op.requestBody) as Json) : undefined;
        if (rb) {
          const [mediaType, media] = Object.entries(rb.content as Record<string, Json>)[0]!;
          const schema = media.schema as Json;
          body = {
            required: rb.required === true,
            mediaType,
            validate:
              mediaType === 'application/json'
                ? requestAjv.compile(
                    typeof schema.$ref === 'string' ? { $ref: `request-spec${schema.$ref}` } : strictify(schema) as Json,
                  )
                : undefined,
          };
        }
        this.operations.push({
          operationId: op.operationId as OperationId,
          method: method.toUpperCase(),
          template,
          // Market counts parallel requests per businessId for every /businesses/{businessId}/... path (v1 and v2).
          businessScoped: /^\/v\d+\/businesses\/\{businessId\}\//.test(template),
          params,
          body,
          scopes: ((op['x-auth-scopes'] ?? []) as string[]).map(scopeEnumName),
          resourceId: String(op['x-resource-id']),
          hourlyLimit: Number(tariff.amount ?? Infinity),
          periodMs: periodUnitMs * periodDuration,
          periodLabel: `${periodDuration} ${periodUnit}${periodDuration === 1 ? '' : 's'}`,
          raw: op,
          regex,
          pathParamNames,
        });
      }
    }
  }

  operation(id: OperationId): SpecOperation {
    const op = this.operations.find((o) => o.operationId === id);
    if (!op) throw new Error(`operation ${id} is not in the spec`);
    return op;
  }

  match(method: string, pathname: string): RouteMatch {
    let wrongMethod = false;
    for (const op of this.operations) {
      const m = op.regex.exec(pathname);
      if (!m) continue;
      if (op.method !== method.toUpperCase()) {
        wrongMethod = true;
        continue;
      }
      const pathParams: Record<string, string> = {};
      op.pathParamNames.forEach((name, i) => {
        pathParams[name] = decodeURIComponent(m[i + 1]!);
      });
      return { op, pathParams, wrongMethod: false };
    }
    return { pathParams: {}, wrongMethod };
  }

  /** Checks one request against its operation. Never throws; every problem becomes a reason. */
  async validateRequest(op: SpecOperation, input: RequestInput, opts: ValidateOptions): Promise<ValidationResult> {
    const reasons: string[] = [];
    const params: Record<string, string> = {};
    let credentialsMissing = false;

    for (const p of op.params.filter((p) => p.in === 'path')) {
      const v = input.pathParams[p.name];
      if (v === undefined) reasons.push(`path parameter ${p.name} is missing`);
      else reasons.push(...checkScalar(`path parameter ${p.name}`, v, p.schema));
    }

    // Query: only declared names (or their aliases), each at most once, with a value of the declared type.
    const declared = op.params.filter((p) => p.in === 'query');
    const seen = new Set<string>();
    for (const [key, value] of input.query) {
      const p = declared.find((d) => d.name === key || d.aliases.includes(key));
      if (!p) {
        reasons.push(`query parameter '${key}' is not declared for ${op.operationId}`);
        continue;
      }
      if (seen.has(p.name)) {
        reasons.push(`query parameter '${p.name}' is given more than once`);
        continue;
      }
      seen.add(p.name);
      if (p.deprecated && !opts.allowDeprecated) reasons.push(`query parameter '${key}' is deprecated`);
      reasons.push(...checkScalar(`query parameter ${key}`, value, p.schema));
      params[p.name] = value;
    }
    for (const p of declared) {
      if (p.required && !seen.has(p.name)) reasons.push(`required query parameter '${p.name}' is missing`);
    }

    // Credentials: the bridge uses Api-Key only. OAuth (Authorization: Bearer) is deprecated by Market.
    const apiKey = headerValue(input.headers['api-key']);
    if (apiKey === undefined || apiKey === '') {
      reasons.push('Api-Key header is missing');
      credentialsMissing = true;
    } else if (/^bearer\s/i.test(apiKey)) {
      reasons.push("Api-Key header must hold the bare token, without a 'Bearer' prefix");
      credentialsMissing = true;
    }
    if (input.headers.authorization !== undefined) {
      reasons.push('Authorization header must not be sent (authenticate with Api-Key only)');
    }

    // Body.
    let json: unknown;
    let file: UploadedFile | undefined;
    let recordedBody: unknown;
    const contentType = headerValue(input.headers['content-type']);
    const hasBody = input.body.length > 0 || input.bodyTruncated;
    if (!op.body) {
      if (hasBody) reasons.push(`${op.operationId} takes no request body, got ${input.body.length} bytes`);
      if (hasBody) recordedBody = input.body.toString('utf8').slice(0, 2000);
    } else if (!hasBody) {
      if (op.body.required) reasons.push(`request body (${op.body.mediaType}) is required`);
    } else if (mediaTypeOf(contentType) !== op.body.mediaType) {
      reasons.push(`Content-Type must be ${op.body.mediaType}, got '${contentType ?? ''}'`);
      recordedBody = input.body.toString('utf8').slice(0, 2000);
    } else if (op.body.mediaType === 'application/json') {
      const r = this.checkJson(op, input, opts);
      reasons.push(...r.reasons);
      json = r.json;
      recordedBody = r.json ?? input.body.toString('utf8').slice(0, 2000);
    } else if (op.body.mediaType === 'multipart/form-data') {
      const r = await checkMultipart(input, contentType ?? '');
      reasons.push(...r.reasons);
      file = r.file;
      recordedBody = r.recorded;
    }

    return { reasons, params, json, file, recordedBody, credentialsMissing };
  }

  /** Spec errors in one of the fake's own answers (used by the fake's self-test to keep the fake honest). */
  responseErrors(id: OperationId, status: number, body: unknown): string[] {
    const key = `${id}:${status}`;
    let validate = this.responseValidators.get(key);
    if (!validate) {
      const op = this.operation(id);
      const responses = op.raw.responses as Record<string, Json>;
      // Market also answers statuses the operation does not declare (405, 415, 423, 503) with the error envelope.
      const response = responses[String(status)] ?? (status >= 400 ? responses['500'] : undefined);
      if (!response) return [`status ${status} is not declared for ${id}`];
      const schema = ((this.deref(response).content as Record<string, Json> | undefined)?.['application/json']
        ?.schema ?? {}) as Json;
      validate = this.responseAjv.compile(
        typeof schema.$ref === 'string' ? { $ref: `response-spec${schema.$ref}` } : schema,
      );
      this.responseValidators.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map(describeAjvError);
  }

  private checkJson(op: SpecOperation, input: RequestInput, opts: ValidateOptions): { reasons: string[]; json?: unknown } {
    if (input.bodyTruncated || input.body.length > MAX_JSON_BODY_BYTES) {
      return { reasons: [`JSON body is larger than ${MAX_JSON_BODY_BYTES} bytes`] };
    }
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return { reasons: ['request body is not valid JSON'] };
    }
    const validate = op.body!.validate!;
    if (validate(json)) return { reasons: [], json };
    const errors = (validate.errors ?? []).filter(
      (e) => !(opts.allowDeprecated && e.keyword === 'x-deprecated-properties'),
    );
    return { reasons: errors.map(describeAjvError), json };
  }

  private param(p: Json): ParamSpec {
    const d = this.deref(p) as Json;
    return {
      name: d.name as string,
      in: d.in as ParamSpec['in'],
      required: d.required === true,
      deprecated: d.deprecated === true,
      aliases: ((d['x-aliases'] ?? []) as string[]).filter((a) => a !== d.name),
      schema: (d.schema ?? {}) as ScalarSchema,
    };
  }

  /** Follows a local `$ref` ('#/components/...') one level. */
  private deref(node: unknown): Json {
    const n = node as Json;
    if (typeof n.$ref !== 'string') return n;
    let target: unknown = this.doc;
    for (const part of n.$ref.replace(/^#\//, '').split('/')) target = (target as Json)[part];
    if (!isObject(target)) throw new Error(`unresolved $ref ${n.$ref}`);
    return target;
  }
}

/** Path and query values arrive as strings; they must parse as the declared type and fit its bounds. */
function checkScalar(what: string, raw: string, s: ScalarSchema): string[] {
  // An empty value is never what a client means (e.g. `pageToken=` on the first page); Market's handling is
  // undocumented, so the bridge must leave such parameters out.
  if (raw === '') return [`${what} is empty`];
  if (s.type === 'integer' || s.type === 'number') {
    const ok = s.type === 'integer' ? /^-?\d+$/.test(raw) : /^-?\d+(\.\d+)?$/.test(raw);
    const n = Number(raw);
    if (!ok || !Number.isFinite(n)) return [`${what} must be ${s.format ?? s.type}, got '${raw}'`];
    if (s.format === 'int32' && (n < -(2 ** 31) || n > 2 ** 31 - 1)) return [`${what} is out of int32 range`];
    if (s.format === 'int64' && !Number.isSafeInteger(n)) return [`${what} is out of the safe int64 range`];
    if (s.minimum !== undefined && n < s.minimum) return [`${what} must be >= ${s.minimum}, got ${raw}`];
    if (s.maximum !== undefined && n > s.maximum) return [`${what} must be <= ${s.maximum}, got ${raw}`];
  }
  if (s.type === 'boolean' && raw !== 'true' && raw !== 'false') return [`${what} must be true or false`];
  if (s.enum && !s.enum.map(String).includes(raw)) return [`${what} must be one of ${s.enum.join(', ')}`];
  return [];
}

async function checkMultipart(
  input: RequestInput,
  contentType: string,
): Promise<{ reasons: string[]; file?: UploadedFile; recorded: unknown }> {
  if (input.bodyTruncated) {
    return { reasons: [`multipart body is far larger than the ${MAX_FILE_BYTES}-byte file limit`], recorded: undefined };
  }
  let form: FormData;
  try {
    form = await new Request('http://fake.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: input.body,
    }).formData();
  } catch (err) {
    return { reasons: [`malformed multipart body: ${(err as Error).message}`], recorded: undefined };
  }
  const reasons: string[] = [];
  for (const key of new Set(form.keys())) {
    if (key !== 'file') reasons.push(`multipart field '${key}' is not declared (only 'file')`);
    else if (form.getAll(key).length > 1) reasons.push("multipart field 'file' is given more than once");
  }
  const part = form.get('file');
  if (part === null) {
    reasons.push("multipart field 'file' is missing");
    return { reasons, recorded: undefined };
  }
  if (typeof part === 'string') {
    reasons.push("multipart field 'file' must be a file part (with a filename), got a plain field");
    return { reasons, recorded: { fileName: undefined, size: Buffer.byteLength(part), contentType: undefined } };
  }
  const bytes = Buffer.from(await part.arrayBuffer());
  const file: UploadedFile = { name: part.name, contentType: part.type || 'application/octet-stream', bytes };
  if (bytes.length > MAX_FILE_BYTES) reasons.push(`file is ${bytes.length} bytes, more than the 5 MB limit`);
  if (!part.name) reasons.push("multipart field 'file' has no filename");
  return { reasons, file, recorded: { fileName: file.name, size: bytes.length, contentType: file.contentType } };
}
