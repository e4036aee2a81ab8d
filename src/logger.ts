/**
 * pino, with secrets removed twice: known fields are redacted by path, and every finished line is scrubbed of the
 * bot token and Api-Key values whatever field they hide in (a library error can carry a URL with the token in it).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

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

export function createLogger(opts: {
  level: string;
  secrets: readonly string[];
  destination?: DestinationStream;
}): Logger {
  const scrub = secretScrubber(opts.secrets);
  const target = opts.destination ?? pino.destination({ dest: 1, sync: true });
  const scrubbed: DestinationStream = { write: (line: string) => target.write(scrub(line)) };
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
