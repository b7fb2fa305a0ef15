import { describe, expect, it } from "vitest";
import { checkSecretName } from "../src/names";

const reason = (name: string) => {
  const result = checkSecretName(name);
  return result.ok ? "" : result.reason;
};

describe("secret name rule", () => {
  it("accepts letters, digits, dot, dash and underscore up to 64", () => {
    for (const name of ["a", "deploy-hook", "A.b_c-9", "x".repeat(64), "..a", ".hidden"]) {
      expect(checkSecretName(name)).toEqual({ ok: true });
    }
  });

  it("name validation explains a bad character", () => {
    expect(reason("deploy/hook")).toMatch(/“\/” is not allowed/);
    expect(reason("déploy")).toMatch(/“é” is not allowed/);
  });

  it("names invisible characters instead of quoting them", () => {
    expect(reason("my hook")).toMatch(/^A space is not allowed/);
    expect(reason("a\tb")).toMatch(/^A tab is not allowed/);
    expect(reason("a\u200bb")).toMatch(/invisible character \(U\+200B\)/);
  });

  it("lists several bad characters once each", () => {
    expect(reason("a b/c d/")).toMatch(/^A space and “\/” are not allowed/);
  });

  it("says a name is too long and by how much", () => {
    expect(reason("x".repeat(65))).toBe("Too long: 65 characters, the limit is 64.");
  });

  it("refuses . and .. as reserved", () => {
    expect(reason(".")).toMatch(/reserved/);
    expect(reason("..")).toMatch(/reserved/);
  });

  it("asks for a name when empty", () => {
    expect(reason("")).toBe("Type a name.");
  });
});
