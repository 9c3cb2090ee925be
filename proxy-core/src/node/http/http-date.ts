/**
 * HTTP dates for the web server: HTTP::Date::time2str (Last-Modified, Date) and a strict
 * RFC 9110 5.6.7 parser for If-Modified-Since. The Date header is cached per second because
 * every file response carries one.
 */

let lastSeconds = NaN;
let lastString = '';

/** HTTP::Date::time2str: `Tue, 24 Nov 2026 22:43:25 GMT` for epoch seconds. */
export function time2str(seconds: number): string {
  // Last-Modified of the same hot file, request after request.
  if (seconds !== lastSeconds) {
    lastString = new Date(seconds * 1000).toUTCString();
    lastSeconds = seconds;
  }
  return lastString;
}

let nowSecond = -1;
let nowString = '';

/** time2str(now), recomputed at most once a second. */
export function httpNow(): string {
  const s = Math.floor(Date.now() / 1000);
  if (s !== nowSecond) {
    nowSecond = s;
    nowString = new Date(s * 1000).toUTCString();
  }
  return nowString;
}

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MON = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIME = '(\\d\\d):(\\d\\d):(\\d\\d)';
// IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d\\d) ${MON} (\\d{4}) ${TIME} GMT$`);
// obsolete RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d\\d)-${MON}-(\\d\\d) ${TIME} GMT$`);
// obsolete asctime: Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parse the three HTTP-date forms of RFC 9110 5.6.7 to epoch seconds; null when the text is
 * not one of them (RFC 9110 13.1.3: an invalid date means the header is ignored).
 */
export function parseHttpDate(text: string): number | null {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850.exec(text);
  if (m) {
    // RFC 9110 5.6.7: a two-digit year more than 50 years in the future is in the past.
    let year = 2000 + Number(m[3]);
    if (year > new Date().getUTCFullYear() + 50) year -= 100;
    return utc(year, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  m = ASCTIME.exec(text);
  if (m) return utc(+m[6]!, m[1]!, Number(m[2]!.trim()), +m[3]!, +m[4]!, +m[5]!);
  return null;
}

function utc(
  year: number,
  mon: string,
  day: number,
  h: number,
  mi: number,
  s: number,
): number | null {
  if (day < 1 || day > 31 || h > 23 || mi > 59 || s > 60) return null;
  const ms = Date.UTC(year, MONTHS[mon]!, day, h, mi, s);
  const d = new Date(ms);
  // Refuse dates that roll over (Feb 30 -> Mar 2).
  if (d.getUTCDate() !== day) return null;
  return Math.floor(ms / 1000);
}
