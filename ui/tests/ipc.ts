// A fake Rust side for unit tests: only @tauri-apps/api's invoke and listen are replaced (by
// vi.mock in each test file); everything above them is the real UI code.

import { invoke } from "@tauri-apps/api/core";
import { vi } from "vitest";
import type { Account, Commands, SecretRow } from "../src/bindings";

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

export const account: Account = {
  did: "did:plc:alice",
  handle: "alice.test",
  pds: "http://127.0.0.1:2583",
  scope: "atproto transition:generic",
  capabilities: ["list", "create", "rotate", "delete"],
};

export function secret(name: string, extra: Partial<SecretRow> = {}): SecretRow {
  return { name, createdAt: "2024-01-01T00:00:00Z", lastRotatedAt: null, storedLocally: false, ...extra };
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
