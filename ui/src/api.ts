// The one door to the Rust side. Every call is typed by the generated bindings, and every
// failure arrives as an IpcError {code, message}.

import { invoke } from "@tauri-apps/api/core";
import type { Commands, IpcError } from "./bindings";

export type { IpcError } from "./bindings";

export async function call<K extends keyof Commands>(
  command: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["returns"]> {
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
