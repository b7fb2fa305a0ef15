// A provider's rule for a new secret's name (its descriptor's `nameRule`), checked as the user
// types, with the reason a name is refused in the provider's words. Nothing about any one
// provider's rule is written here.

import type { NameRule } from "./bindings";
import { fill } from "./providers";

export type NameCheck = { ok: true } | { ok: false; reason: string };

/** The rule's character class as a one-character test, built once per rule (per keystroke use). */
const classes = new WeakMap<NameRule, RegExp>();

function allowedCharacter(rule: NameRule): RegExp {
  let pattern = classes.get(rule);
  if (!pattern) {
    const body = `^[${rule.allowedCharacters}]$`;
    try {
      // "u": a character outside the BMP is one character, as the loop below reads it.
      pattern = new RegExp(body, "u");
    } catch {
      // The class is written for Rust's regex, which is laxer about escapes than "u" mode.
      pattern = new RegExp(body);
    }
    classes.set(rule, pattern);
  }
  return pattern;
}

/** How a refused character reads in a sentence: visible characters quoted, invisible ones named. */
export function describeCharacter(char: string): string {
  if (char === " ") return "a space";
  if (char === "\t") return "a tab";
  if (char === "\n" || char === "\r") return "a line break";
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (/\s/u.test(char) || /\p{C}/u.test(char)) return `an invisible character (${hex})`;
  return `“${char}”`;
}

export function checkSecretName(name: string, rule: NameRule): NameCheck {
  const { reasons } = rule;
  if (name === "") return { ok: false, reason: reasons.empty };
  if (rule.reserved.includes(name)) return { ok: false, reason: fill(reasons.reserved, { name }) };
  const allowed = allowedCharacter(rule);
  const bad: string[] = [];
  for (const char of name) {
    if (!allowed.test(char) && !bad.includes(char)) bad.push(char);
  }
  const problems: string[] = [];
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map(describeCharacter);
    const more = bad.length > 3 ? ` and ${bad.length - 3} more` : "";
    const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
    problems.push(`${capitalise(list ?? "")}${more} ${bad.length === 1 ? "is" : "are"} ${reasons.charactersAllowed}`);
  }
  const length = [...name].length;
  if (length > rule.maxLength) {
    problems.push(fill(reasons.tooLong, { length, max: rule.maxLength }));
  }
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join(" ") };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
