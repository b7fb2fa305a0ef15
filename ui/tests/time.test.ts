import { describe, expect, it } from "vitest";
import { exactTime, relativeTime } from "../src/time";

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
