/**
 * Time zones without Intl's formatters: a zone's offset at an instant, and the wall-clock fields there.
 *
 * Why not Intl.DateTimeFormat: the first Intl formatter a process makes (DateTimeFormat or NumberFormat, any
 * locale) pages in about 8 MB of ICU from the node binary, and they stay resident (issue 13: the bridge's RSS).
 * All the bridge needs from ICU is a zone's offset, and V8's own local-time code has it: while process.env.TZ
 * names the zone (Node re-reads TZ the moment it is set), `Date#getTimezoneOffset` is that zone's offset at the
 * instant, from the same ICU zone rules Intl uses, for about 0.6 MB. TZ is put back in the same synchronous call,
 * so no other code ever runs under the borrowed zone. A switch costs about 25 µs, so offsets are cached: one per
 * UTC day when the zone keeps one offset all day, else one per quarter hour (every transition of this century falls
 * on a quarter hour).
 */

const DAY_MS = 86_400_000;
const SLOT_MS = 900_000;
/** Entries before the cache starts again (a day or a quarter hour per entry: years of lookups). */
const CACHE_MAX = 4096;

const offsets = new Map<string, number>();

/** The zone's offset from UTC at `ms`, in minutes (Moscow: 180), read from V8 with TZ set to the zone. */
function readOffset(zone: string, ms: number): number {
  const saved = process.env.TZ;
  if (saved === zone) return -new Date(ms).getTimezoneOffset();
  process.env.TZ = zone;
  try {
    return -new Date(ms).getTimezoneOffset();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

function remember(key: string, value: number): number {
  if (offsets.size >= CACHE_MAX) offsets.clear();
  offsets.set(key, value);
  return value;
}

/** Minutes east of UTC in `zone` at `ms` (Europe/Moscow: 180, America/St_Johns in winter: -210). */
export function offsetMinutes(ms: number, zone: string): number {
  const day = Math.floor(ms / DAY_MS);
  const dayKey = `${zone}|d${day}`;
  let whole = offsets.get(dayKey);
  if (whole === undefined) {
    const first = readOffset(zone, day * DAY_MS);
    whole = remember(dayKey, first === readOffset(zone, (day + 1) * DAY_MS - 1) ? first : NaN);
  }
  if (!Number.isNaN(whole)) return whole;
  const slot = Math.floor(ms / SLOT_MS);
  const slotKey = `${zone}|s${slot}`;
  return offsets.get(slotKey) ?? remember(slotKey, readOffset(zone, slot * SLOT_MS));
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Minutes east of UTC. */
  offset: number;
}

/** What a clock on the wall in `zone` shows at `ms`. */
export function wallClock(ms: number, zone: string): WallClock {
  const offset = offsetMinutes(ms, zone);
  const d = new Date(ms + offset * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    offset,
  };
}

/** "GMT+8", "GMT+5:45", "GMT-3:30", "GMT" (0): the offset as Intl's `shortOffset` writes it. */
export function gmtOffset(offset: number): string {
  if (offset === 0) return 'GMT';
  const abs = Math.abs(offset);
  const minutes = abs % 60;
  return `GMT${offset < 0 ? '-' : '+'}${Math.floor(abs / 60)}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

/** The names of UTC itself, which ICU knows but `Intl.supportedValuesOf` does not list. */
const UTC_NAMES = new Set(
  ['UTC', 'UCT', 'GMT', 'GMT0', 'GMT+0', 'GMT-0', 'Universal', 'Zulu', 'Greenwich'].flatMap((n) => [n, `Etc/${n}`].map((x) => x.toLowerCase())),
);

let canonical: Map<string, string> | undefined;

/**
 * An IANA zone name as the bridge will use it, or undefined when ICU does not know it (BOT_TIMEZONE). Names
 * Intl lists are matched in any letter case ("europe/moscow" → "Europe/Moscow"); the names of UTC become "UTC";
 * other Area/Place names (aliases such as Europe/Kyiv or Asia/Kolkata, which Intl lists under their older
 * spelling) are taken as written when ICU gives them an offset other than 0 at some time of the year, since 0 is
 * what an unknown name gets. Not taken: abbreviations ("CST", "MSK") and POSIX strings ("ABC-3").
 */
export function timeZoneName(input: string): string | undefined {
  canonical ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const lower = input.toLowerCase();
  const listed = canonical.get(lower);
  if (listed) return listed;
  if (UTC_NAMES.has(lower)) return 'UTC';
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)+$/.test(input)) return undefined;
  const year = new Date().getUTCFullYear();
  const probes = [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)];
  return probes.some((ms) => readOffset(input, ms) !== 0) ? input : undefined;
}
