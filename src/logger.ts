/**
 * pino, with secrets removed twice: known fields are redacted by path, and every finished line is scrubbed of the
 * bot token and Api-Key values whatever field they hide in (a library error can carry a URL with the token in it).
 * JSON lines by default; readable one-line logs with local times (pino-pretty) when asked or when stdout is a
 * terminal. The scrubber runs on the JSON line before it is made readable.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
// pino-pretty only for readable lines (a terminal, LOG_FORMAT=pretty): loaded then, not by every JSON-logging start.
type PrettyFactory = typeof import('pino-pretty').prettyFactory;

export type { Logger };

const REDACT_PATHS = [
  'apiKey',
  'token',
  '*.apiKey',
  '*.token',
  'headers["api-key"]',
  'headers["Api-Key"]',
  '*.headers["api-key"]',
  '*.headers["Api-Key"]',
  'config.headers',
  '*.config.headers',
];

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) with a marker. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.flatMap((s) => [s, encodeURIComponent(s)]).filter((s) => s.length >= 6))];
  // Longest first, so a secret that contains another is replaced whole.
  needles.sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join('[secret]');
    return out;
  };
}

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set; otherwise readable lines for a person at a terminal, JSON for a journal or a collector. */
export function chooseLogFormat(format: LogFormat | undefined, isTerminal = process.stdout.isTTY === true): LogFormat {
  return format ?? (isTerminal ? 'pretty' : 'json');
}

/** One readable line per entry: local time, level, message, then the fields. */
function prettyLines(colorize: boolean): (line: string) => string {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: PrettyFactory };
  return prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
    ignore: 'pid,hostname',
    // An error's stack stays on its line too: one entry, one line, in the journal and at the terminal.
    errorLikeObjectKeys: [],
  });
}

export function createLogger(opts: {
  level: string;
  secrets: readonly string[];
  destination?: DestinationStream;
  /** Default: JSON when a destination is given, else chooseLogFormat(undefined). */
  format?: LogFormat;
}): Logger {
  const scrub = secretScrubber(opts.secrets);
  const target = opts.destination ?? pino.destination({ dest: 1, sync: true });
  const format = opts.format ?? (opts.destination ? 'json' : chooseLogFormat(undefined));
  const pretty = format === 'pretty' ? prettyLines(!opts.destination && process.stdout.isTTY === true) : undefined;
  const scrubbed: DestinationStream = {
    write: (line: string) => target.write(pretty ? pretty(scrub(line)) : scrub(line)),
  };
  return pino(
    {
      level: opts.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[secret]' },
      serializers: { err: pino.stdSerializers.err },
    },
    scrubbed,
  );
}
