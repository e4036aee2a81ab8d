/**
 * Zone offsets and wall clocks without Intl's formatters (src/util/time-zone.ts), checked against Intl itself:
 * every zone below, every 97 minutes over four years and minute by minute around each of their transitions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gmtOffset, offsetMinutes, timeZoneName, wallClock } from '../../src/util/time-zone.js';

const ZONES = [
  'Europe/Moscow', 'Asia/Shanghai', 'UTC', 'Europe/London', 'America/New_York', 'America/Sao_Paulo',
  'America/St_Johns', 'Asia/Kathmandu', 'Asia/Tehran', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata',
  'Europe/Kyiv', 'Pacific/Apia', 'Africa/Casablanca',
];

const formats = new Map<string, Intl.DateTimeFormat>();
function intlClock(ms: number, zone: string) {
  const f = formats.get(zone) ?? new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric', timeZoneName: 'shortOffset',
  });
  formats.set(zone, f);
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour) % 24,
    minute: Number(p.minute), second: Number(p.second),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!),
    // ICU writes zero "GMT" or "GMT+0" depending on its version; the seller reads "UTC" either way (formatWhen).
    gmt: p.timeZoneName === 'GMT+0' ? 'GMT' : p.timeZoneName,
  };
}

const ours = (ms: number, zone: string) => {
  const { offset, ...clock } = wallClock(ms, zone);
  return { ...clock, gmt: gmtOffset(offset) };
};

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('wall clock in a zone', () => {
  it('agrees with Intl every 97 minutes over 2024–2027 and minute by minute around each transition', () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2028, 0, 1);
    const step = 97 * 60_000;
    let transitions = 0;
    const wrong: string[] = [];
    const check = (ms: number, zone: string) => {
      const [a, b] = [ours(ms, zone), intlClock(ms, zone)];
      if (JSON.stringify(a) !== JSON.stringify(b)) wrong.push(`${zone} ${new Date(ms).toISOString()}: ${JSON.stringify(a)} ≠ Intl ${JSON.stringify(b)}`);
    };
    for (const zone of ZONES) {
      let before = offsetMinutes(from, zone);
      for (let ms = from; ms < to; ms += step) {
        check(ms, zone);
        const now = offsetMinutes(ms, zone);
        if (now !== before) {
          transitions++;
          for (let m = ms - step; m <= ms; m += 60_000) check(m, zone);
        }
        before = now;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // London, New York, São Paulo (none since 2019), St John's, Tehran (none since 2022), Lord Howe, Chatham,
    // Casablanca's Ramadan: the walk must have met transitions, or it proved nothing about them.
    expect(transitions).toBeGreaterThan(30);
  });

  it('leaves TZ as it found it, unset or set', () => {
    delete process.env.TZ;
    expect(wallClock(Date.UTC(2026, 11, 2, 11, 5), 'Asia/Tokyo').hour).toBe(20);
    expect(process.env.TZ).toBeUndefined();
    process.env.TZ = 'America/New_York';
    expect(offsetMinutes(Date.UTC(2026, 11, 2, 1, 5), 'Asia/Shanghai')).toBe(480);
    expect(process.env.TZ).toBe('America/New_York');
    expect(new Date(Date.UTC(2026, 11, 2, 12)).getHours()).toBe(7);
  });

  it('writes the offset as Intl does', () => {
    expect([0, 180, 480, 345, -210, 765, -720].map(gmtOffset)).toEqual(['GMT', 'GMT+3', 'GMT+8', 'GMT+5:45', 'GMT-3:30', 'GMT+12:45', 'GMT-12']);
  });
});

describe('BOT_TIMEZONE names', () => {
  it('takes every zone Intl lists, in any letter case, and the aliases ICU knows', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) expect(timeZoneName(zone)).toBe(zone);
    expect(timeZoneName('europe/moscow')).toBe('Europe/Moscow');
    expect(timeZoneName('ASIA/SHANGHAI')).toBe('Asia/Shanghai');
    expect(timeZoneName('Europe/Kyiv')).toBe('Europe/Kyiv');
    expect(timeZoneName('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(timeZoneName('US/Eastern')).toBe('US/Eastern');
    expect(timeZoneName('Etc/GMT-3')).toBe('Etc/GMT-3');
    for (const utc of ['UTC', 'utc', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Zulu']) expect(timeZoneName(utc), utc).toBe('UTC');
  });

  it('refuses what ICU would silently read as UTC: unknown names, abbreviations, POSIX strings', () => {
    for (const bad of ['Moscow', 'Mars/Base', 'Europe/Moskva', 'MSK', 'CST', 'ABC-3', 'UTC+3', 'Asia/Tokyo/../Shanghai', '', ':Europe/Moscow']) {
      expect(timeZoneName(bad), bad).toBeUndefined();
    }
  });

  it('an alias gives the same times as its Intl name', () => {
    const at = Date.UTC(2026, 6, 1, 12);
    expect(wallClock(at, 'Europe/Kyiv')).toEqual(wallClock(at, 'Europe/Kiev'));
    expect(wallClock(at, 'Asia/Kolkata')).toEqual(wallClock(at, 'Asia/Calcutta'));
  });
});
