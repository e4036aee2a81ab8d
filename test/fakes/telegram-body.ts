// Request-body parsing for the fake Telegram Bot API server.
//
// The Bot API accepts parameters as a query string, application/x-www-form-urlencoded,
// application/json or multipart/form-data. grammY sends JSON, or multipart when it uploads a file.
//
// Node 20's `Request#formData()` (undici) rejects grammY's multipart bodies: grammY writes part headers as
// `content-disposition:form-data;name="x";filename=a b.txt` (no spaces, unquoted filename), which Telegram's
// server accepts but undici does not. So multipart is parsed here by hand, leniently, as Telegram does.

import type { IncomingMessage } from 'node:http';

export interface UploadedFile {
  /** File name from the part's Content-Disposition (or the field name when absent). */
  fileName: string;
  size: number;
  /** Content-Type of the part (grammY always sends application/octet-stream). */
  contentType: string;
  bytes: Buffer;
}

/** What tests see for an uploaded file in `Call.params`. */
export interface UploadedFileInfo {
  fileName: string;
  size: number;
  contentType: string;
}

export interface ParsedBody {
  /** Parameters, with JSON-looking multipart/form values decoded and `attach://x` left as strings. */
  params: Record<string, unknown>;
  /** File parts by part name. */
  files: Map<string, UploadedFile>;
}

export class BodyError extends Error {}

export function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Keys whose string values must never be coerced to numbers/booleans/JSON. */
const STRING_KEYS = new Set([
  'text',
  'caption',
  'name',
  'title',
  'description',
  'short_description',
  'parse_mode',
  'caption_parse_mode',
  'callback_query_id',
  'inline_message_id',
  'custom_emoji_id',
  'icon_custom_emoji_id',
  'file_id',
  'url',
  'secret_token',
  'ip_address',
  'language_code',
  'emoji',
  'business_connection_id',
  'action',
  'query',
  'question',
  'address',
  'data',
]);

/** Turns a form/query string value into what the same value would have been in a JSON body. */
export function coerceFormValue(key: string, value: string): unknown {
  if (STRING_KEYS.has(key)) return value;
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return value;
    }
  }
  if (/^-?\d{1,15}$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  return value;
}

export function parseBody(contentType: string | undefined, raw: Buffer, query: URLSearchParams): ParsedBody {
  const params: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  for (const [k, v] of query) params[k] = coerceFormValue(k, v);
  const ct = (contentType ?? '').toLowerCase();
  if (raw.length === 0) return { params, files };
  if (ct.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BodyError("Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BodyError("Bad Request: can't parse JSON object");
    }
    Object.assign(params, parsed);
  } else if (ct.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) params[k] = coerceFormValue(k, v);
  } else if (ct.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) throw new BodyError('Bad Request: multipart boundary is missing');
    for (const part of parseMultipart(raw, b.trim())) {
      if (part.fileName !== undefined) {
        files.set(part.name, {
          fileName: part.fileName || part.name,
          size: part.body.length,
          contentType: part.contentType ?? 'application/octet-stream',
          bytes: part.body,
        });
      } else {
        params[part.name] = coerceFormValue(part.name, part.body.toString('utf8'));
      }
    }
  }
  // Any other content type: Telegram ignores the body.
  return { params, files };
}

interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  body: Buffer;
}

export function parseMultipart(raw: Buffer, boundary: string): Part[] {
  const delim = Buffer.from(`--${boundary}`);
  const nextDelim = Buffer.from(`\r\n--${boundary}`);
  const parts: Part[] = [];
  let pos = raw.indexOf(delim);
  if (pos < 0) throw new BodyError('Bad Request: invalid multipart/form-data body');
  pos += delim.length;
  for (;;) {
    if (raw[pos] === 0x2d && raw[pos + 1] === 0x2d) break; // closing "--"
    // skip transport padding and CRLF after the delimiter
    while (raw[pos] === 0x20 || raw[pos] === 0x09) pos++;
    if (raw[pos] === 0x0d && raw[pos + 1] === 0x0a) pos += 2;
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new BodyError('Bad Request: invalid multipart/form-data body');
    const headerText = raw.subarray(pos, headerEnd).toString('utf8');
    const bodyStart = headerEnd + 4;
    const end = raw.indexOf(nextDelim, bodyStart);
    if (end < 0) throw new BodyError('Bad Request: invalid multipart/form-data body');
    const body = Buffer.from(raw.subarray(bodyStart, end));
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disp = parseDisposition(headers.get('content-disposition') ?? '');
    const name = disp.get('name');
    if (name !== undefined) {
      const part: Part = { name, body };
      const fileName = disp.get('filename*') ?? disp.get('filename');
      if (fileName !== undefined) part.fileName = fileName;
      const partType = headers.get('content-type');
      if (partType !== undefined) part.contentType = partType;
      parts.push(part);
    }
    pos = end + nextDelim.length;
  }
  return parts;
}

/** Parses `form-data; name="a"; filename="b"`, also grammY's `form-data;name="a";filename=b c.txt`. */
export function parseDisposition(value: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = value.indexOf(';');
  if (i < 0) return out;
  i++;
  while (i < value.length) {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t' || value[i] === ';')) i++;
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const key = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let val = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        val += value[i];
        i++;
      }
      i++; // closing quote
    } else {
      // Unquoted: up to the next `; key=` (so names with spaces or lone semicolons survive).
      const rest = value.slice(i);
      const m = /;\s*[A-Za-z0-9_*-]+=/.exec(rest);
      const stop = m ? m.index : rest.length;
      val = rest.slice(0, stop).trim();
      i += stop;
    }
    if (key.endsWith('*')) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(val);
      if (m) {
        try {
          val = decodeURIComponent(m[2] ?? '');
        } catch {
          /* keep raw */
        }
      }
    }
    out.set(key, val);
  }
  return out;
}
