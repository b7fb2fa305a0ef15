// Syntax checks for what a user types to sign in: an AT Protocol handle or a DID.
// Only syntax: whether the handle exists is for the resolver to find out.

const HANDLE =
  /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;

export type IdentityCheck =
  | { ok: true; value: string; kind: "handle" | "did" }
  | { ok: false; reason: string };

/** Normalises what was typed (trims, drops a leading "@", lower-cases handles) and checks it. */
export function checkIdentity(input: string): IdentityCheck {
  const typed = input.trim().replace(/^@/, "");
  if (typed === "") {
    return { ok: false, reason: "Type your handle (like alice.bsky.social) or your DID." };
  }
  if (typed.startsWith("did:")) {
    return typed.length <= 2048 && DID.test(typed)
      ? { ok: true, value: typed, kind: "did" }
      : { ok: false, reason: "That does not look like a DID (did:plc:… or did:web:…)." };
  }
  if (typed.length > 253 || !HANDLE.test(typed)) {
    return {
      ok: false,
      reason: "That does not look like a handle: it needs a domain, like alice.bsky.social.",
    };
  }
  return { ok: true, value: typed.toLowerCase(), kind: "handle" };
}
