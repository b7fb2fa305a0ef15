import { describe, expect, it } from "vitest";
import type { NameRule } from "../src/bindings";
import { checkSecretName } from "../src/names";
import { wisp } from "./ipc";

const rule = wisp.nameRule as NameRule;
const reason = (name: string, against: NameRule = rule) => {
  const result = checkSecretName(name, against);
  return result.ok ? "" : result.reason;
};

describe("secret name rule (wisp.place’s, from its descriptor)", () => {
  it("accepts letters, digits, dot, dash and underscore up to 64", () => {
    for (const name of ["a", "deploy-hook", "A.b_c-9", "x".repeat(64), "..a", ".hidden"]) {
      expect(checkSecretName(name, rule)).toEqual({ ok: true });
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

describe("the name check follows a descriptor's rule", () => {
  // A made-up provider: lower-case letters and digits only, at most 8, "admin" reserved, its own words.
  const other: NameRule = {
    maxLength: 8,
    allowedCharacters: "a-z0-9",
    reserved: ["admin"],
    help: "Lower-case letters and digits; up to 8.",
    reasons: {
      empty: "Give it a name.",
      reserved: "{name} is taken by the system.",
      charactersAllowed: "refused here: lower-case letters and digits only.",
      tooLong: "{length} is more than {max}.",
    },
  };

  it("refuses what wisp.place's rule would accept, in the provider's words", () => {
    expect(checkSecretName("ci-hook", rule)).toEqual({ ok: true });
    expect(reason("ci-hook", other)).toBe("“-” is refused here: lower-case letters and digits only.");
    expect(reason("Deploy", other)).toBe("“D” is refused here: lower-case letters and digits only.");
  });

  it("accepts what only it allows, and fills its placeholders", () => {
    expect(checkSecretName("hook42", other)).toEqual({ ok: true });
    expect(reason("", other)).toBe("Give it a name.");
    expect(reason("admin", other)).toBe("admin is taken by the system.");
    expect(reason(".", other)).toMatch(/^“\.” is refused/);
    expect(reason("abcdefghij", other)).toBe("10 is more than 8.");
  });
});
