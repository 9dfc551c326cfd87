/**
 * Timestamp parsing for the Timestamp* comparison operators and IsTimestamp.
 *
 * AWS names the format it accepts in its own error text ("cannot be parsed as an ISO-8601
 * extended offset date-time format string", wait/ and jsonata/ corpus cases), which is Java's
 * ISO_OFFSET_DATE_TIME: `yyyy-MM-ddTHH:mm[:ss[.fffffffff]]` followed by `Z` or `+HH:MM[:SS]`,
 * with calendar fields checked strictly (no month 13, no Feb 30, no hour 24). Like that
 * formatter, `T` and `Z` match case-insensitively. Fractions keep nanosecond precision
 * (wait/ NANOSECONDS case), so instants compare as (epoch second, nano) pairs, never via Date.
 */

export interface Instant {
  readonly epochSecond: number;
  readonly nano: number;
}

const ISO_OFFSET_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Parses a timestamp the way AWS accepts it, or returns undefined. */
export function parseTimestamp(text: string): Instant | undefined {
  const m = ISO_OFFSET_DATE_TIME.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12) return undefined;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > monthDays) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const nano = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  let offsetSeconds = 0;
  if (m[8] === undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    const offsetSecondsPart = m[12] === undefined ? 0 : Number(m[12]);
    if (offsetHours > 18 || offsetMinutes > 59 || offsetSecondsPart > 59) return undefined;
    offsetSeconds = offsetHours * 3600 + offsetMinutes * 60 + offsetSecondsPart;
    if (offsetSeconds > 18 * 3600) return undefined;
    if (m[9] === '-') offsetSeconds = -offsetSeconds;
  }
  const epochSecond = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return { epochSecond, nano };
}

export function isTimestamp(value: unknown): boolean {
  return typeof value === 'string' && parseTimestamp(value) !== undefined;
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.epochSecond !== b.epochSecond ? a.epochSecond - b.epochSecond : a.nano - b.nano;
}
