/**
 * The logger never writes the bot token or the Api-Key, raw or URL-encoded, wherever they hide: the message, nested
 * fields, arrays, error objects (message, stack, cause, an HTTP library's config with headers), child bindings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, secretScrubber } from '../../src/logger.js';

const TOKEN = '7012345678:AAH3kq-Zx_9bVw2Lr8TmPq1sYcD4eF5gH6i';
const KEY = 'ACMA:I4c4Qx9Zr/8+Tb=:151c0664';

function capture(secrets = [TOKEN, KEY]) {
  const lines: string[] = [];
  const log = createLogger({ level: 'trace', secrets, destination: { write: (l: string) => void lines.push(l) } });
  return { log, lines, all: () => lines.join('') };
}

/** Every form in which a secret could be read back from a log line. */
function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), encodeURI(secret), JSON.stringify(secret).slice(1, -1)])];
}

function expectClean(out: string, secrets = [TOKEN, KEY]) {
  for (const s of secrets) for (const f of forms(s)) expect(out.includes(f), `output contains ${f}`).toBe(false);
}

describe('createLogger', () => {
  it('scrubs secrets from the message, nested fields, arrays and child bindings, and keeps the rest', () => {
    const { log, all, lines } = capture();
    log.info(`calling https://api.telegram.org/bot${TOKEN}/getMe`);
    log.info({ request: { url: `https://x.test/?key=${encodeURIComponent(KEY)}`, deep: { deeper: [{ v: `k=${KEY};` }] } } }, 'nested');
    log.warn({ headers: { 'Api-Key': KEY, Accept: 'application/json' }, token: TOKEN, apiKey: KEY }, 'headers');
    log.child({ bot: TOKEN }).error({ list: [TOKEN, KEY, `${TOKEN}${KEY}`] }, 'child');
    log.debug({ [`field-${KEY}`]: 1 }, 'in a key');

    const out = all();
    expectClean(out);
    expect(lines).toHaveLength(5);
    expect(out).toContain('calling https://api.telegram.org/bot[secret]/getMe');
    expect(out).toContain('application/json');
    expect(out).toContain('https://x.test/?key=[secret]');
  });

  it('scrubs secrets from error objects: message, stack, cause, and an HTTP client error carrying its request config', () => {
    const { log, all } = capture();
    const cause = new Error(`socket to bot${TOKEN} closed`);
    const err = Object.assign(new Error(`Request failed for ${encodeURIComponent(TOKEN)}`, { cause }), {
      config: { url: `/bot${TOKEN}/sendMessage`, headers: { 'Api-Key': KEY } },
      response: { data: { echoed: KEY } },
    });
    log.error({ err }, 'request failed');
    log.error({ relay: 1, err: { nested: { err } } }, 'wrapped');
    log.error(err); // pino's (err) form

    const out = all();
    expectClean(out);
    expect(out).toContain('Request failed for [secret]');
    expect(out).toMatch(/"stack":"Error: Request failed for \[secret\]/);
  });

  it('for any realistic secrets and any JSON data they are hidden in, no line contains them in any readable form', () => {
    const secretChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_-+/=.'.split(''));
    const secret = fc.array(secretChars, { minLength: 12, maxLength: 60 }).map((a) => a.join(''));
    const variant = fc.constantFrom<(s: string) => string>((s) => s, encodeURIComponent);
    fc.assert(
      fc.property(secret, secret, fc.jsonValue({ maxDepth: 4 }), variant, fc.string(), (a, b, data, enc, msg) => {
        fc.pre(!'[secret]'.includes(a) && !'[secret]'.includes(b));
        const hide = (v: unknown): unknown =>
          typeof v === 'string'
            ? `${v}${enc(a)}${v}${enc(b)}`
            : Array.isArray(v)
              ? v.map(hide)
              : v && typeof v === 'object'
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hide(x)]))
                : v;
        const { log, all } = capture([a, b]);
        log.info({ data: hide(data), s: hide('x'), err: new Error(`${msg}${enc(a)}`) }, `${msg}${enc(b)}`);
        expectClean(all(), [a, b]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('secretScrubber', () => {
  it('replaces a secret that contains the other whole (longest first)', () => {
    const scrub = secretScrubber(['abcdef', 'xxabcdefyy']);
    expect(scrub('1 xxabcdefyy 2 abcdef 3')).toBe('1 [secret] 2 [secret] 3');
  });

  it('leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!s.includes(TOKEN) && !s.includes(KEY) && !s.includes(encodeURIComponent(KEY)) && !s.includes(encodeURIComponent(TOKEN)));
        expect(secretScrubber([TOKEN, KEY])(s)).toBe(s);
      }),
    );
  });
});

describe('pretty log lines (LOG_FORMAT=pretty, or a terminal)', () => {
  function capturePretty() {
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      secrets: [TOKEN, KEY],
      format: 'pretty',
      destination: { write: (l: string) => void lines.push(l) },
    });
    return { log, lines };
  }

  it('writes one readable line per entry with the local time, level, message and fields, secrets scrubbed', () => {
    const { log, lines } = capturePretty();
    const before = new Date();
    log.info({ relay: 42, url: `https://api.telegram.org/bot${TOKEN}/getMe` }, 'relay delivered');
    log.error({ err: new Error(`refused ${KEY}`) }, 'send failed');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(line.trimStart().startsWith('{')).toBe(false);
    }
    const pad = (n: number) => String(n).padStart(2, '0');
    // Local time (not UTC): the date and hour as this machine's clock shows them.
    const localDay = `${before.getFullYear()}-${pad(before.getMonth() + 1)}-${pad(before.getDate())}`;
    expect(lines[0]).toMatch(new RegExp(`^\\[${localDay} ${pad(before.getHours())}:\\d\\d:\\d\\d\\.\\d{3}\\] INFO: relay delivered `));
    expect(lines[0]).toContain('"relay":42');
    expect(lines[0]).toContain('bot[secret]/getMe');
    expect(lines[1]).toMatch(/ERROR: send failed/);
    expect(lines[1]).toContain('refused [secret]');
    expectClean(lines.join(''));
  });

  it('JSON stays the default for a destination, the journal and Docker; a terminal gets pretty lines', async () => {
    const { chooseLogFormat } = await import('../../src/logger.js');
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
    const { lines } = capture();
    createLogger({ level: 'info', secrets: [], destination: { write: (l: string) => void lines.push(l) } }).info('x');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'x', level: 30 });
  });
});
