// PostgreSQL `timestamptz` text to Date without a regular expression. node-postgres parses every timestamp
// with postgres-date's regexes, which showed up in the CPU and allocation profiles of listings (four of them a
// row). The server's ISO output is fixed: `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`; anything else (BC dates,
// infinity, years before 100 or after 9999) goes to postgres-date as before.
import pg from 'pg';

const slow = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text') as (
  s: string,
) => Date | number | null;

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

export function parseTimestamptz(s: string): Date | number | null {
  const n = s.length;
  if (
    n < 22 ||
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 32 ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  )
    return slow(s);
  const year = two(s, 0) * 100 + two(s, 2);
  if (!(year >= 100 && year <= 9999)) return slow(s);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    // Fractional seconds: milliseconds from the first three digits (Date keeps no more).
    i += 1;
    let scale = 100;
    while (i < n) {
      const d = digit(s, i);
      if (d < 0 || d > 9) break;
      if (scale >= 1) ms += d * scale;
      scale /= 10;
      i += 1;
    }
  }
  const sign = s.charCodeAt(i);
  if ((sign !== 43 && sign !== 45) || (n !== i + 3 && n !== i + 6 && n !== i + 9)) return slow(s);
  let offset = two(s, i + 1) * 3600;
  if (n >= i + 6) {
    if (s.charCodeAt(i + 3) !== 58) return slow(s);
    offset += two(s, i + 4) * 60;
  }
  if (n === i + 9) {
    if (s.charCodeAt(i + 6) !== 58) return slow(s);
    offset += two(s, i + 7);
  }
  const utc = Date.UTC(year, two(s, 5) - 1, two(s, 8), two(s, 11), two(s, 14), two(s, 17), ms);
  const value = utc - (sign === 45 ? -offset : offset) * 1000;
  return Number.isNaN(value) ? slow(s) : new Date(value);
}
