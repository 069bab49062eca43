/**
 * Wall-clock time in a spreadsheet's time zone. Sheets stores a date-time as a serial number of the
 * wall clock the user sees (no zone), and the spreadsheet's `timeZone` (CLDR, e.g. Europe/Paris)
 * says where that wall clock hangs. Converting needs the zone's UTC offset at an instant, which
 * Intl gives without a time-zone database dependency. Offsets are cached per UTC day, and per half
 * hour on the days of a transition (transitions fall on whole or half hours of UTC in every zone in
 * use).
 */
const HALF_HOUR_MS = 1_800_000;
const DAY_MS = 86_400_000;
/** Bounds each offset cache (a long span of distinct days costs at most this many entries). */
const CACHE_ENTRIES = 100_000;

function remember(cache: Map<number, number>, key: number, value: number): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}

const utcZones = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

export class SpreadsheetTimeZone {
  readonly name: string;
  readonly #utc: boolean;
  readonly #format: Intl.DateTimeFormat | undefined;
  readonly #dayOffsets = new Map<number, number>();
  readonly #halfHourOffsets = new Map<number, number>();

  /** Throws a RangeError for a zone Intl does not know (see `forSpreadsheet` for the lenient form). */
  constructor(name: string) {
    this.name = name;
    this.#utc = utcZones.has(name);
    this.#format = this.#utc
      ? undefined
      : new Intl.DateTimeFormat('en-US', {
          timeZone: name,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        });
  }

  /** The zone of a spreadsheet; UTC when it has none or Intl does not know it (with `unknown` set). */
  static forSpreadsheet(name: string | null | undefined): { zone: SpreadsheetTimeZone; unknown?: string } {
    if (!name) return { zone: utc };
    try {
      return { zone: new SpreadsheetTimeZone(name) };
    } catch {
      return { zone: utc, unknown: name };
    }
  }

  get isUtc(): boolean {
    return this.#utc;
  }

  /** The zone's offset from UTC, in milliseconds, at an instant (positive east of Greenwich). */
  offsetAt(instantMs: number): number {
    if (this.#utc) return 0;
    // Most days have one offset: known from their two ends, one Intl call each per day seen. A day
    // with a transition (NaN) is resolved per half hour.
    const day = Math.floor(instantMs / DAY_MS);
    let offset = this.#dayOffsets.get(day);
    if (offset === undefined) {
      const start = this.#intlOffset(day * DAY_MS);
      offset = start === this.#intlOffset((day + 1) * DAY_MS) ? start : Number.NaN;
      remember(this.#dayOffsets, day, offset);
    }
    if (!Number.isNaN(offset)) return offset;
    const halfHour = Math.floor(instantMs / HALF_HOUR_MS);
    let precise = this.#halfHourOffsets.get(halfHour);
    if (precise === undefined) {
      precise = this.#intlOffset(halfHour * HALF_HOUR_MS);
      remember(this.#halfHourOffsets, halfHour, precise);
    }
    return precise;
  }

  #intlOffset(instantMs: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.#format!.formatToParts(instantMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!) - instantMs;
  }

  /** The wall clock (as UTC milliseconds of its fields) shown at an instant. */
  toWallClock(instantMs: number): number {
    return instantMs + this.offsetAt(instantMs);
  }

  /**
   * The instant a wall clock stands for. A wall clock skipped by a forward transition (02:30 on a
   * spring-forward night) is read with the offset before it, so it lands just after the jump; one
   * shown twice by a backward transition is the first of the two. This is the "compatible"
   * disambiguation of JavaScript's Temporal and of java.time.
   */
  fromWallClock(wallMs: number): number {
    if (this.#utc) return wallMs;
    const before = this.offsetAt(wallMs - DAY_MS);
    const after = this.offsetAt(wallMs + DAY_MS);
    const earlier = wallMs - Math.max(before, after);
    const later = wallMs - Math.min(before, after);
    // The first candidate whose wall clock is the one asked for; none when the wall clock was skipped.
    for (const candidate of [earlier, later]) if (this.toWallClock(candidate) === wallMs) return candidate;
    return wallMs - before;
  }
}

const utc = new SpreadsheetTimeZone('UTC');
export const utcTimeZone = utc;
