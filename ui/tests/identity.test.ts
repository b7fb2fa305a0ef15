import { describe, expect, it } from "vitest";
import { checkIdentity } from "../src/identity";

describe("checkIdentity", () => {
  it("accepts a handle and lower-cases it", () => {
    expect(checkIdentity("  @Alice.Bsky.Social ")).toEqual({
      ok: true,
      value: "alice.bsky.social",
      kind: "handle",
    });
  });

  it("accepts test handles used by the local stack", () => {
    expect(checkIdentity("alice.test")).toMatchObject({ ok: true, kind: "handle" });
  });

  it("accepts a did:plc and keeps its case", () => {
    expect(checkIdentity("did:plc:ewvi7nxzyoun6zhxrhs64oiz")).toEqual({
      ok: true,
      value: "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
      kind: "did",
    });
  });

  it("accepts a did:web with an encoded port", () => {
    expect(checkIdentity("did:web:localhost%3A2583")).toMatchObject({ ok: true, kind: "did" });
  });

  it("refuses an empty field with a hint", () => {
    expect(checkIdentity("   ")).toMatchObject({ ok: false });
  });

  it("refuses a bare name without a domain", () => {
    const result = checkIdentity("alice");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/domain/);
  });

  it("refuses a malformed DID", () => {
    expect(checkIdentity("did:plc:")).toMatchObject({ ok: false });
    expect(checkIdentity("did:PLC:abc")).toMatchObject({ ok: false });
  });

  it("refuses a label longer than 63 characters", () => {
    expect(checkIdentity(`${"a".repeat(64)}.test`)).toMatchObject({ ok: false });
  });
});
