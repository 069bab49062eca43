import { describe, expect, it } from 'vitest';
import { dateToSerial, serialToDate } from './convert-googlesheets-value.js';
import { SpreadsheetTimeZone } from './spreadsheet-time-zone.js';

const wall = (year: number, month: number, day: number, hours = 0, minutes = 0) => Date.UTC(year, month - 1, day, hours, minutes);
const iso = (ms: number) => new Date(ms).toISOString();

describe('SpreadsheetTimeZone', () => {
  it('turns wall clocks into instants with the offset of the day, on both sides of daylight saving', () => {
    const paris = new SpreadsheetTimeZone('Europe/Paris');
    expect(iso(paris.fromWallClock(wall(2024, 1, 15, 9)))).toBe('2024-01-15T08:00:00.000Z');
    expect(iso(paris.fromWallClock(wall(2024, 7, 15, 9)))).toBe('2024-07-15T07:00:00.000Z');
    const newYork = new SpreadsheetTimeZone('America/New_York');
    expect(iso(newYork.fromWallClock(wall(2024, 7, 4, 12)))).toBe('2024-07-04T16:00:00.000Z');
    expect(iso(newYork.fromWallClock(wall(2024, 12, 31, 23, 59)))).toBe('2025-01-01T04:59:00.000Z');
    const kolkata = new SpreadsheetTimeZone('Asia/Kolkata');
    expect(iso(kolkata.fromWallClock(wall(2024, 3, 1, 12)))).toBe('2024-03-01T06:30:00.000Z');
  });

  it('reads a skipped wall clock just after the jump and a repeated one as its first occurrence', () => {
    const paris = new SpreadsheetTimeZone('Europe/Paris');
    // 2024-03-31 02:30 does not exist in Paris (02:00 -> 03:00): read with the winter offset.
    expect(iso(paris.fromWallClock(wall(2024, 3, 31, 2, 30)))).toBe('2024-03-31T01:30:00.000Z');
    // 2024-10-27 02:30 happens twice (03:00 -> 02:00): the first, still in summer time.
    expect(iso(paris.fromWallClock(wall(2024, 10, 27, 2, 30)))).toBe('2024-10-27T00:30:00.000Z');
  });

  it('round-trips every quarter hour of a year through the wall clock, in zones with and without daylight saving', () => {
    for (const name of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Sao_Paulo']) {
      const zone = new SpreadsheetTimeZone(name);
      for (let instant = Date.UTC(2024, 0, 1); instant < Date.UTC(2025, 0, 1); instant += 900_000) {
        const shown = zone.toWallClock(instant);
        const back = zone.fromWallClock(shown);
        // Back to the same instant, except the second pass through a repeated wall clock, which reads as the first.
        if (back !== instant) expect(zone.toWallClock(back)).toBe(shown);
        if (back !== instant) expect(back).toBeLessThan(instant);
      }
    }
  });

  it('knows UTC without Intl and falls back to UTC, saying so, for a zone Intl does not know', () => {
    expect(new SpreadsheetTimeZone('Etc/GMT').isUtc).toBe(true);
    expect(new SpreadsheetTimeZone('Etc/GMT').fromWallClock(wall(2024, 7, 1, 12))).toBe(wall(2024, 7, 1, 12));
    expect(SpreadsheetTimeZone.forSpreadsheet('Mars/Olympus_Mons')).toMatchObject({ zone: { isUtc: true }, unknown: 'Mars/Olympus_Mons' });
    expect(SpreadsheetTimeZone.forSpreadsheet(undefined).unknown).toBeUndefined();
  });

  it('gives serials of the wall clock: a date-time serial read in its zone is the instant written', () => {
    const newYork = new SpreadsheetTimeZone('America/New_York');
    const instant = new Date('2024-01-15T14:00:00.000Z');
    const serial = dateToSerial(instant, newYork);
    // 09:00 in New York on 2024-01-15: 45306 days and 9/24.
    expect(serial).toBeCloseTo(45306 + 9 / 24, 10);
    expect(serialToDate(serial, newYork)).toEqual(instant);
    expect(serialToDate(serial)).toEqual(new Date('2024-01-15T09:00:00.000Z'));
  });
});
