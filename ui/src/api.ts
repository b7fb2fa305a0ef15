// The one door to the Rust side. Every call is typed by the generated bindings, and every
// failure arrives as an IpcError {code, message}.

import { invoke } from "@tauri-apps/api/core";
import type { Commands, IpcError } from "./bindings";

export type { IpcError } from "./bindings";

/**
 * Commands that only read: none can copy, issue a token or send a request that a close would cut
 * short, so none needs the window's event listeners (window-events.ts) to be set up first.
 */
const READS_ONLY: ReadonlySet<keyof Commands> = new Set<keyof Commands>([
  "providers",
  "custom_network",
  "interrupted_requests",
  "restore_accounts",
  "list_secrets",
  "start_up_list",
  "overdue_summary",
  "get_preferences",
  "keychain_status",
  "staged_rotations",
  "in_flight_requests",
]);

/** The listeners' set-up: a promise while it is under way, nothing once done (or never given). */
let windowEvents: () => Promise<void> | undefined = () => undefined;

/** What every other command waits for first: main.ts gives the listeners' set-up. */
export function beforeChanges(prepare: () => Promise<void> | undefined): void {
  windowEvents = prepare;
}

/** Sets the window's event listeners up now (the reminder banner: a snooze can come any time). */
export function needWindowEvents(): void {
  void windowEvents();
}

export async function call<K extends keyof Commands>(
  command: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["returns"]> {
  // No extra wait once the listeners are there, so calls keep their order and timing.
  const listening = READS_ONLY.has(command) ? undefined : windowEvents();
  if (listening) await listening;
  try {
    return await invoke<Commands[K]["returns"]>(command, args);
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** Anything thrown by invoke that is not our {code, message} shape is a bug on the Rust side. */
export function toIpcError(raw: unknown): IpcError {
  if (
    typeof raw === "object" &&
    raw !== null &&
    typeof (raw as { code?: unknown }).code === "string" &&
    typeof (raw as { message?: unknown }).message === "string"
  ) {
    return raw as IpcError;
  }
  return {
    code: "internal",
    message: "Something unexpected went wrong inside Wispkey. Please try again.",
  };
}
