// Text formatting as the Bot API applies it: parse_mode (HTML, MarkdownV2, Markdown) into plain text plus
// entities, trimming of surrounding whitespace, and server-side detection of url/mention/bot_command/...
// entities. Offsets and lengths are in UTF-16 code units, as in the Bot API (and as JS strings index).
// Errors carry Telegram's descriptions (`Bad Request: can't parse entities: ...`).

import type { MessageEntity } from 'grammy/types';

export class FormatError extends Error {
  constructor(readonly description: string) {
    super(description);
  }
}

export interface Formatted {
  text: string;
  entities: MessageEntity[];
}

type Ent = { type: string; offset: number; length: number; [k: string]: unknown };

function byteOffset(src: string, i: number): number {
  return Buffer.byteLength(src.slice(0, i), 'utf8');
}

function fail(msg: string): never {
  throw new FormatError(`Bad Request: can't parse entities: ${msg}`);
}

function sortEntities(ents: Ent[]): MessageEntity[] {
  return ents
    .filter((e) => e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length) as unknown as MessageEntity[];
}

// ---------------------------------------------------------------------------------------------- HTML

const HTML_SIMPLE: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
};

export function parseHtml(src: string): Formatted {
  let out = '';
  const ents: Ent[] = [];
  const stack: { tag: string; start: number; ent: Ent | null }[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '<') {
      if (src[i + 1] === '/') {
        const close = src.indexOf('>', i);
        if (close < 0) fail(`Unclosed end tag at byte offset ${byteOffset(src, i)}`);
        const name = src.slice(i + 2, close).trim().toLowerCase();
        const top = stack.pop();
        if (!top) fail(`Unexpected end tag at byte offset ${byteOffset(src, i)}`);
        if (name !== top.tag) {
          fail(`Unmatched end tag at byte offset ${byteOffset(src, i)}, expected "</${top.tag}>", found "</${name}>"`);
        }
        if (top.ent) {
          top.ent.length = out.length - top.start;
          ents.push(top.ent);
        }
        i = close + 1;
        continue;
      }
      // As tdlib: the tag name runs to the first space or '>'; then it must be a supported tag.
      let j = i + 1;
      while (j < src.length && !/[\s>]/.test(src[j] as string)) j++;
      if (j >= src.length) fail(`Unclosed start tag at byte offset ${byteOffset(src, i)}`);
      const tag = src.slice(i + 1, j).toLowerCase().replace(/\/$/, '');
      if (!(tag in HTML_SIMPLE) && !['span', 'a', 'blockquote', 'tg-emoji'].includes(tag)) {
        fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(src, i)}`);
      }
      const attrs = new Map<string, string>();
      // attributes
      for (;;) {
        while (j < src.length && /\s/.test(src[j] as string)) j++;
        if (j >= src.length) fail(`Unclosed start tag at byte offset ${byteOffset(src, i)}`);
        if (src[j] === '>') break;
        if (src[j] === '/' && src[j + 1] === '>') {
          j++;
          break;
        }
        let k = j;
        while (k < src.length && /[A-Za-z0-9_-]/.test(src[k] as string)) k++;
        if (k === j) fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(src, j)}`);
        const attr = src.slice(j, k).toLowerCase();
        j = k;
        let val = '';
        if (src[j] === '=') {
          j++;
          const q = src[j];
          if (q === '"' || q === "'") {
            const end = src.indexOf(q, j + 1);
            if (end < 0) fail(`Unclosed start tag at byte offset ${byteOffset(src, i)}`);
            val = decodeHtmlEntities(src.slice(j + 1, end));
            j = end + 1;
          } else {
            let e = j;
            while (e < src.length && !/[\s>]/.test(src[e] as string)) e++;
            val = decodeHtmlEntities(src.slice(j, e));
            j = e;
          }
        }
        attrs.set(attr, val);
      }
      const after = j + 1;
      let ent: Ent | null = null;
      const start = out.length;
      if (tag in HTML_SIMPLE) {
        const type = HTML_SIMPLE[tag] as string;
        const parent = stack[stack.length - 1];
        if (tag === 'code' && parent?.tag === 'pre' && parent.ent && parent.start === start) {
          const lang = /^language-(.+)$/.exec(attrs.get('class') ?? '');
          if (lang?.[1]) parent.ent.language = lang[1];
          ent = null; // merged into the pre entity
        } else {
          ent = { type, offset: start, length: 0 };
        }
      } else if (tag === 'span') {
        if (attrs.get('class') !== 'tg-spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, i)}`);
        ent = { type: 'spoiler', offset: start, length: 0 };
      } else if (tag === 'a') {
        const href = attrs.get('href');
        if (href !== undefined && href !== '') {
          const m = /^tg:\/\/user\?id=(\d+)$/.exec(href);
          ent = m
            ? { type: 'text_mention', offset: start, length: 0, user: { id: Number(m[1]), is_bot: false, first_name: '' } }
            : { type: 'text_link', offset: start, length: 0, url: href };
        }
      } else if (tag === 'blockquote') {
        ent = { type: attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset: start, length: 0 };
      } else if (tag === 'tg-emoji') {
        const id = attrs.get('emoji-id');
        if (!id) fail(`Custom emoji entity must contain a custom emoji identifier at byte offset ${byteOffset(src, i)}`);
        ent = { type: 'custom_emoji', offset: start, length: 0, custom_emoji_id: id };
      } else {
        fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(src, i)}`);
      }
      stack.push({ tag, start, ent });
      i = after;
      continue;
    }
    if (c === '&') {
      const m = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/.exec(src.slice(i, i + 12));
      if (m) {
        out += decodeHtmlEntities(m[0]);
        i += m[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  const open = stack.pop();
  if (open) fail(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return { text: out, entities: sortEntities(ents) };
}

function decodeHtmlEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    try {
      return String.fromCodePoint(code);
    } catch {
      return '';
    }
  });
}

// -------------------------------------------------------------------------------------- MarkdownV2

const MDV2_RESERVED = '_*[]()~`>#+-=|{}.!';
const ENTITY_NAME: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  code: 'Code',
  pre: 'Pre',
  text_link: 'TextUrl',
  blockquote: 'BlockQuote',
};

export function parseMarkdownV2(src: string): Formatted {
  let out = '';
  const ents: Ent[] = [];
  const open = new Map<string, { start: number; pos: number }>();
  let link: { start: number; pos: number } | null = null;
  let quote: { start: number } | null = null;
  let i = 0;
  let lineStart = true;
  const toggle = (type: string, pos: number) => {
    const o = open.get(type);
    if (o) {
      ents.push({ type, offset: o.start, length: out.length - o.start });
      open.delete(type);
    } else open.set(type, { start: out.length, pos });
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (lineStart) {
      lineStart = false;
      if (c === '>' || (src.startsWith('**>', i) && !open.has('bold'))) {
        if (!quote) quote = { start: out.length };
        i += c === '>' ? 1 : 3;
        continue;
      }
    }
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) {
        out += c;
        i++;
        continue;
      }
      out += next;
      i += 2;
      if (next === '\n') lineStart = true;
      continue;
    }
    if (c === '`') {
      const isPre = src.startsWith('```', i);
      const fence = isPre ? '```' : '`';
      let j = i + fence.length;
      let body = '';
      let closed = false;
      while (j < src.length) {
        if (src[j] === '\\' && j + 1 < src.length) {
          body += src[j + 1];
          j += 2;
          continue;
        }
        if (src.startsWith(fence, j)) {
          closed = true;
          break;
        }
        body += src[j];
        j++;
      }
      if (!closed) fail(`Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(src, i)}`);
      if (isPre) {
        let language: string | undefined;
        const nl = body.indexOf('\n');
        if (nl >= 0 && /^[^\s`]+$/.test(body.slice(0, nl))) {
          language = body.slice(0, nl);
          body = body.slice(nl + 1);
        } else if (nl === 0) body = body.slice(1);
        const e: Ent = { type: 'pre', offset: out.length, length: body.length };
        if (language) e.language = language;
        ents.push(e);
      } else ents.push({ type: 'code', offset: out.length, length: body.length });
      out += body;
      i = j + fence.length;
      continue;
    }
    if (c === '*') {
      toggle('bold', i);
      i++;
      continue;
    }
    if (c === '_') {
      if (src[i + 1] === '_') {
        toggle('underline', i);
        i += 2;
      } else {
        toggle('italic', i);
        i++;
      }
      continue;
    }
    if (c === '~') {
      toggle('strikethrough', i);
      i++;
      continue;
    }
    if (c === '|' && src[i + 1] === '|') {
      toggle('spoiler', i);
      i += 2;
      continue;
    }
    if (c === '[' && !link) {
      link = { start: out.length, pos: i };
      i++;
      continue;
    }
    if (c === ']' && link) {
      if (src[i + 1] !== '(') fail(`Character '(' is reserved and must be escaped with the preceding '\\'`);
      let j = i + 2;
      let url = '';
      while (j < src.length && src[j] !== ')') {
        if (src[j] === '\\' && j + 1 < src.length) {
          url += src[j + 1];
          j += 2;
          continue;
        }
        url += src[j];
        j++;
      }
      if (j >= src.length) fail(`Can't find end of a URL at byte offset ${byteOffset(src, i + 2)}`);
      const m = /^tg:\/\/user\?id=(\d+)$/.exec(url);
      ents.push(
        m
          ? { type: 'text_mention', offset: link.start, length: out.length - link.start, user: { id: Number(m[1]), is_bot: false, first_name: '' } }
          : { type: 'text_link', offset: link.start, length: out.length - link.start, url },
      );
      link = null;
      i = j + 1;
      continue;
    }
    if (MDV2_RESERVED.includes(c)) {
      fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    if (c === '\n') {
      if (quote && src[i + 1] !== '>') {
        ents.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
        quote = null;
      }
      lineStart = true;
    }
    out += c;
    i++;
  }
  if (link) fail(`Can't find end of TextUrl entity at byte offset ${byteOffset(src, link.pos)}`);
  for (const [type, o] of open) fail(`Can't find end of ${ENTITY_NAME[type] ?? type} entity at byte offset ${byteOffset(src, o.pos)}`);
  if (quote) ents.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
  return { text: out, entities: sortEntities(ents) };
}

// ------------------------------------------------------------------------------- Markdown (legacy)

export function parseMarkdown(src: string): Formatted {
  let out = '';
  const ents: Ent[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\\' && '_*`['.includes(src[i + 1] ?? '')) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (c === '*' || c === '_' || c === '`') {
      const fence = c === '`' && src.startsWith('```', i) ? '```' : c;
      const end = src.indexOf(fence, i + fence.length);
      if (end < 0) fail(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      let body = src.slice(i + fence.length, end);
      const type = fence === '```' ? 'pre' : c === '`' ? 'code' : c === '*' ? 'bold' : 'italic';
      const e: Ent = { type, offset: out.length, length: 0 };
      if (type === 'pre') {
        const nl = body.indexOf('\n');
        if (nl > 0 && /^[^\s`]+$/.test(body.slice(0, nl))) {
          e.language = body.slice(0, nl);
          body = body.slice(nl + 1);
        }
      }
      e.length = body.length;
      ents.push(e);
      out += body;
      i = end + fence.length;
      continue;
    }
    if (c === '[') {
      const close = src.indexOf(']', i);
      if (close < 0 || src[close + 1] !== '(') fail(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      const urlEnd = src.indexOf(')', close);
      if (urlEnd < 0) fail(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      const body = src.slice(i + 1, close);
      ents.push({ type: 'text_link', offset: out.length, length: body.length, url: src.slice(close + 2, urlEnd) });
      out += body;
      i = urlEnd + 1;
      continue;
    }
    out += c;
    i++;
  }
  return { text: out, entities: sortEntities(ents) };
}

// ------------------------------------------------------------------------------ auto-detected entities

const LINK_LIKE = new Set(['url', 'email', 'mention', 'bot_command', 'hashtag', 'text_link', 'text_mention', 'code', 'pre', 'custom_emoji', 'cashtag', 'phone_number']);

const TLDS =
  'com|ru|org|net|io|me|dev|app|info|biz|su|ua|by|kz|de|uk|co|tv|ai|xyz|shop|site|online|store|market|pro|рф|рус|москва';
const AUTO_PATTERNS: { type: string; re: RegExp }[] = [
  { type: 'email', re: /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w])/g },
  {
    type: 'url',
    re: new RegExp(
      String.raw`(?<![\w@/.-])(?:(?:https?|tg):\/\/[^\s<>"]+|www\.[^\s<>"]+|(?:[\p{L}\p{N}-]+\.)+(?:${TLDS})(?::\d{1,5})?(?:[/?#][^\s<>"]*)?)(?![\p{L}\p{N}])`,
      'giu',
    ),
  },
  { type: 'mention', re: /(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w])/g },
  { type: 'bot_command', re: /(?<![\w/])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])/g },
  { type: 'hashtag', re: /(?<![\w#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*/gu },
];

/** Entities Telegram finds by itself in plain text (URLs, emails, @mentions, /commands, #hashtags). */
export function detectEntities(text: string, existing: readonly MessageEntity[] = []): MessageEntity[] {
  const taken: { offset: number; length: number }[] = existing
    .filter((e) => LINK_LIKE.has(e.type))
    .map((e) => ({ offset: e.offset, length: e.length }));
  const found: Ent[] = [];
  const overlaps = (o: number, l: number) => taken.some((t) => o < t.offset + t.length && t.offset < o + l);
  for (const { type, re } of AUTO_PATTERNS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      let s = m[0];
      if (type === 'url') s = s.replace(/[.,;:!?'")\]»]+$/u, '');
      const offset = m.index ?? 0;
      if (s.length === 0 || overlaps(offset, s.length)) continue;
      found.push({ type, offset, length: s.length });
      taken.push({ offset, length: s.length });
    }
  }
  return sortEntities([...(existing as unknown as Ent[]), ...found]);
}

// ---------------------------------------------------------------------------------------- pipeline

/** Removes leading/trailing whitespace as Telegram does, moving and clipping entities. */
export function trimFormatted(f: Formatted): Formatted {
  const lead = f.text.length - f.text.replace(/^\s+/u, '').length;
  const text = f.text.trim();
  const entities: Ent[] = [];
  for (const e of f.entities as unknown as Ent[]) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(text.length, e.offset + e.length - lead);
    if (end > start) entities.push({ ...e, offset: start, length: end - start });
  }
  return { text, entities: sortEntities(entities) };
}

/**
 * Applies `parse_mode` (or explicit entities), trims, and adds the entities Telegram detects itself.
 * Throws FormatError with Telegram's description on bad markup.
 */
export function formatText(raw: string, parseMode: unknown, explicit: unknown): Formatted {
  let f: Formatted;
  if (Array.isArray(explicit)) {
    f = { text: raw, entities: sortEntities(explicit as Ent[]) };
  } else if (typeof parseMode === 'string' && parseMode !== '') {
    const mode = parseMode.toLowerCase();
    if (mode === 'html') f = parseHtml(raw);
    else if (mode === 'markdownv2') f = parseMarkdownV2(raw);
    else if (mode === 'markdown') f = parseMarkdown(raw);
    else throw new FormatError(`Bad Request: unsupported parse_mode`);
  } else f = { text: raw, entities: [] };
  const t = trimFormatted(f);
  return { text: t.text, entities: detectEntities(t.text, t.entities) };
}
