// "3 days ago" for the list, with the exact time kept for hover.
//
// Formatted here in English rather than through Intl: the first Intl formatter makes the page
// load ICU's locale data, which cost about 3 MB of the window's memory at start (issue #14) for a
// handful of fixed English phrases. tests/time.test.ts holds these to Intl's own output.

const UNITS: [string, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

// Intl's `numeric: "auto"` words for one unit away.
const NEXT_TO_NOW: Record<string, [string, string]> = {
  year: ["last year", "next year"],
  month: ["last month", "next month"],
  day: ["yesterday", "tomorrow"],
};

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December"];

export const DAY_MS = 24 * 3600 * 1000;

/** 1234567 → "1,234,567", as `toLocaleString("en")` writes a whole number. */
export function grouped(value: number): string {
  return Math.trunc(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function phrase(amount: number, unit: string): string {
  const words = NEXT_TO_NOW[unit];
  if (words && Math.abs(amount) === 1) return amount < 0 ? words[0] : words[1];
  const units = `${grouped(Math.abs(amount))} ${unit}${Math.abs(amount) === 1 ? "" : "s"}`;
  return amount < 0 ? `${units} ago` : `in ${units}`;
}

export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  if (Number.isNaN(seconds)) return "unknown";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return phrase(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** "March 10, 2024 at 12:00:00 PM" in local time (Intl's long date with medium time, in "en"). */
export function exactTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (value: number) => value.toString().padStart(2, "0");
  const hours = date.getHours();
  const clock = `${hours % 12 || 12}:${two(date.getMinutes())}:${two(date.getSeconds())} ${hours < 12 ? "AM" : "PM"}`;
  return `${MONTHS[date.getMonth()]} ${date.getDate()}, ${date.getFullYear()} at ${clock}`;
}

/** Whole days from `iso` to `now`; null when `iso` is not a date. */
export function ageInDays(iso: string, now: number = Date.now()): number | null {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? null : Math.floor((now - then) / DAY_MS);
}
