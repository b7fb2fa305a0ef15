// A fake Rust side for unit tests: only @tauri-apps/api's invoke and listen are replaced (by
// vi.mock in each test file); everything above them is the real UI code.

import { invoke } from "@tauri-apps/api/core";
import { vi } from "vitest";
import type { AccountView, Commands, ProviderDescriptor, SecretRow } from "../src/bindings";

type Handler = (args: Record<string, unknown>) => unknown;

export const handlers = new Map<string, Handler>();

/** What the fake returns (or throws, when the handler throws) for a command. */
export function on<K extends keyof Commands>(command: K, handler: (args: Commands[K]["args"]) => Commands[K]["returns"] | Promise<Commands[K]["returns"]>) {
  handlers.set(command, handler as Handler);
}

export function installFakeIpc() {
  handlers.clear();
  vi.mocked(invoke).mockReset();
  vi.mocked(invoke).mockImplementation(async (command: string, args?: unknown) => {
    const handler = handlers.get(command);
    if (!handler) throw { code: "internal", message: `No fake for ${command}.` };
    return handler((args ?? {}) as Record<string, unknown>);
  });
}

/** The commands invoked so far, in order, with their arguments. */
export function calls(command?: string): Record<string, unknown>[] {
  return vi
    .mocked(invoke)
    .mock.calls.filter(([name]) => command === undefined || name === command)
    .map(([, args]) => (args ?? {}) as Record<string, unknown>);
}

export const flush = async (times = 3) => {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** wisp.place as its Rust descriptor (crates/wispkey-wisp/src/descriptor.rs) describes it. */
export const wisp: ProviderDescriptor = {
  id: "wisp",
  label: "wisp.place",
  signIn: {
    kind: "oauth",
    identityLabel: "Handle or DID",
    identityPlaceholder: "alice.bsky.social",
    identityHelp: "Your handle or DID on your own PDS.",
    waiting: "Finish signing in on your PDS's page in your browser…",
    offersFullAccess: true,
  },
  operations: ["list", "create", "rotate", "delete"],
  secretId: { label: "Name", idIsName: true },
  nameRule: {
    maxLength: 64,
    allowedCharacters: "A-Za-z0-9._-",
    reserved: [".", ".."],
    help: "Letters A–Z, digits, dot (.), dash (-) and underscore (_); up to 64.",
    reasons: {
      empty: "Type a name.",
      reserved: "“{name}” is reserved. Add letters or digits.",
      charactersAllowed: "not allowed: use letters A–Z, digits, dot (.), dash (-) or underscore (_).",
      tooLong: "Too long: {length} characters, the limit is {max}.",
    },
  },
  secondFactor: null,
  stagedRotation: true,
  reportsRotationTime: true,
  deliverySignature: "wispPlace",
  words: {
    listIntro: "A signing secret lets your webhook receiver check that a request really came from wisp.place.",
    createIntro: "A new webhook signing secret on wisp.place. Its token is saved in this computer’s keychain and then shown once.",
    deleteConsequence: "is deleted on wisp.place and its token stops working immediately.",
    forgetConsequence:
      "Its token is removed from this computer’s keychain. The secret stays on wisp.place and the token keeps working wherever you pasted it; Wispkey just cannot copy it for you any more (rotating gives you a new one).",
    valueNoun: "token",
    rotateWarning: "The current token stops working immediately.",
    dependentsNoun: "webhooks",
  },
};

/**
 * A made-up provider that only rotates, identifies secrets by number, cannot list dependents,
 * signs in with an API key and may ask for a two-factor code before rotating.
 */
export const rotateOnly: ProviderDescriptor = {
  id: "keyring",
  label: "Keyring Cloud",
  signIn: { kind: "apiKey", keyLabel: "API key" },
  operations: ["list", "rotate"],
  secretId: { label: "Token id", idIsName: false },
  nameRule: null,
  secondFactor: { label: "Two-factor code", help: "The 6-digit code from your authenticator app.", digits: 6 },
  stagedRotation: false,
  reportsRotationTime: true,
  deliverySignature: "phalaCloud",
  words: {
    listIntro: "Keyring Cloud tokens sign your deliveries.",
    createIntro: "Keyring Cloud names tokens itself.",
    deleteConsequence: "is revoked on Keyring Cloud.",
    forgetConsequence: "Its token is removed from this computer’s keychain only.",
    valueNoun: "webhook secret",
    rotateWarning: "The current webhook secret stops working immediately.",
    dependentsNoun: null,
  },
};

export const account: AccountView = {
  account: { provider: "wisp", id: "did:plc:alice" },
  providerLabel: "wisp.place",
  label: "alice.test",
  detail: "did:plc:alice",
  capabilities: ["list", "create", "rotate", "delete"],
  reauthorizeNote: null,
};

/** An account at the made-up API-key provider. */
export const keyringAccount: AccountView = {
  account: { provider: "keyring", id: "team-7" },
  providerLabel: "Keyring Cloud",
  label: "team-7",
  detail: "team-7",
  capabilities: ["list", "rotate"],
  reauthorizeNote: null,
};

/** What every command gets to name alice's account. */
export const aliceRef = { provider: "wisp", id: "did:plc:alice" };

/** A row whose id is its name, as wisp.place's are. */
export function secret(name: string, extra: Partial<SecretRow> = {}): SecretRow {
  return { id: name, name, createdAt: "2024-01-01T00:00:00Z", lastRotatedAt: null, storedLocally: false, facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false, ...extra };
}

export function $(selector: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`nothing matches ${selector}`);
  return element;
}

export function type(selector: string, text: string) {
  const input = $(selector) as HTMLInputElement;
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

export function press(target: Element, key: string, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}

export function submit(formChild: string) {
  const form = $(formChild).closest("form");
  form?.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
}

/** A row's action: its button on the row, or else the item of its "More…" menu (opened for it). */
export function rowAction(id: string, action: string): HTMLElement {
  const onRow = document.querySelector<HTMLElement>(`[data-secret-id="${id}"] [data-action="${action}"]`);
  if (onRow) return onRow;
  if (!document.querySelector(`[data-menu-for="${id}"]`)) $(`[data-secret-id="${id}"] [data-action="more"]`).click();
  return $(`[data-menu-for="${id}"] [data-action="${action}"]`);
}

/** Every action a row offers: its buttons, then its "More…" menu's items (the menu is closed again). */
export function rowActions(id: string): string[] {
  const buttons = [...document.querySelectorAll<HTMLElement>(`[data-secret-id="${id}"] [data-action]`)];
  const more = buttons.find((button) => button.dataset.action === "more");
  if (!more) return buttons.map((button) => button.dataset.action ?? "");
  more.click();
  const items = [...document.querySelectorAll<HTMLElement>(`[data-menu-for="${id}"] [role="menuitem"]`)];
  press(items[0] ?? more, "Escape");
  return [...buttons, ...items].map((button) => button.dataset.action ?? "").filter((action) => action !== "more");
}
