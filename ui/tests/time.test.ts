import { describe, expect, it } from "vitest";
import { exactTime, grouped, relativeTime } from "../src/time";

const now = new Date("2024-03-10T12:00:00.000Z");

describe("relativeTime", () => {
  it("says just now under a minute", () => {
    expect(relativeTime("2024-03-10T11:59:30.000Z", now)).toBe("just now");
  });

  it("counts days", () => {
    expect(relativeTime("2024-03-07T12:00:00.000Z", now)).toBe("3 days ago");
  });

  it("uses the largest unit that fits", () => {
    expect(relativeTime("2023-03-10T12:00:00.000Z", now)).toBe("last year");
  });

  it("survives a value that is not a date", () => {
    expect(relativeTime("not a date", now)).toBe("unknown");
    expect(exactTime("not a date")).toBe("not a date");
  });
});

// The words are ours (no Intl at run time, see src/time.ts); they must stay what Intl says.
describe("the words match Intl's English", () => {
  const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const exact = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "medium" });
  // Newer ICU writes a narrow no-break space before AM/PM; ours is a plain space.
  const plain = (text: string) => text.replace(/\u202f/g, " ");

  it("relativeTime says what Intl.RelativeTimeFormat says, past and future, every unit", () => {
    const steps = [1, 59, 60, 61, 89, 90, 3599, 3600, 5400, 7200, 86399, 86400, 129600, 172800, 2591999,
      2592000, 3888000, 5184000, 31535999, 31536000, 47304000, 63072000, 1576800000, 31536000000];
    for (const step of steps) {
      for (const sign of [-1, 1]) {
        const seconds = sign * step;
        const iso = new Date(now.getTime() + seconds * 1000).toISOString();
        const unit = (
          [["year", 31536000], ["month", 2592000], ["day", 86400], ["hour", 3600], ["minute", 60]] as const
        ).find(([, size]) => Math.abs(seconds) >= size);
        const expected = unit ? relative.format(Math.round(seconds / unit[1]), unit[0]) : "just now";
        expect(relativeTime(iso, now)).toBe(expected);
      }
    }
  });

  it("exactTime says what Intl.DateTimeFormat says (long date, medium time), around the clock", () => {
    for (let hour = 0; hour < 24; hour++) {
      for (const month of [0, 4, 11]) {
        const date = new Date(2024, month, 1 + hour, hour, hour * 2, 59 - hour);
        expect(exactTime(date.toISOString())).toBe(plain(exact.format(date)));
      }
    }
  });

  it("grouped groups thousands as toLocaleString('en') does", () => {
    for (const value of [0, 1, 12, 999, 1000, 9999, 10000, 123456, 1234567, 1000000000]) {
      expect(grouped(value)).toBe(value.toLocaleString("en"));
    }
  });
});
