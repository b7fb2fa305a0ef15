// The server's rule for a signing secret's name, checked as the user types, with the reason a
// name is refused in words: `^[A-Za-z0-9._-]{1,64}$`, and not "." or "..".

export const NAME_MAX = 64;
const ALLOWED = /^[A-Za-z0-9._-]$/;

export type NameCheck = { ok: true } | { ok: false; reason: string };

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

export function checkSecretName(name: string): NameCheck {
  if (name === "") return { ok: false, reason: "Type a name." };
  if (name === "." || name === "..") {
    return { ok: false, reason: `“${name}” is reserved. Add letters or digits.` };
  }
  const bad: string[] = [];
  for (const char of name) {
    if (!ALLOWED.test(char) && !bad.includes(char)) bad.push(char);
  }
  const problems: string[] = [];
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map(describeCharacter);
    const more = bad.length > 3 ? ` and ${bad.length - 3} more` : "";
    const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
    problems.push(
      `${capitalise(list ?? "")}${more} ${bad.length === 1 ? "is" : "are"} not allowed: use letters A–Z, digits, dot (.), dash (-) or underscore (_).`,
    );
  }
  const length = [...name].length;
  if (length > NAME_MAX) {
    problems.push(`Too long: ${length} characters, the limit is ${NAME_MAX}.`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join(" ") };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
