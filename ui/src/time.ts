// "3 days ago" for the list, with the exact time kept for hover.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

// Built once: constructing formatters is the expensive part, and the list formats many times.
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const exact = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "medium" });

export const DAY_MS = 24 * 3600 * 1000;

export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  if (Number.isNaN(seconds)) return "unknown";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function exactTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : exact.format(date);
}

/** Whole days from `iso` to `now`; null when `iso` is not a date. */
export function ageInDays(iso: string, now: number = Date.now()): number | null {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? null : Math.floor((now - then) / DAY_MS);
}
