import { describe, expect, it } from "vitest";
import { toIpcError } from "../src/api";

describe("toIpcError", () => {
  it("passes a {code, message} error through unchanged", () => {
    const error = { code: "keychain_missing", message: "No keychain is available." };
    expect(toIpcError(error)).toBe(error);
  });

  it("turns anything else into a generic internal error without echoing it", () => {
    const result = toIpcError("secret wsk_value in a raw string");
    expect(result.code).toBe("internal");
    expect(result.message).not.toContain("wsk_");
  });
});
