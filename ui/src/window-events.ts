// Rust's events for the window: the clipboard was cleared, a close was refused, the reminder was
// snoozed from the desktop notification.
//
// Listened to only once they can matter, not at start: Tauri registers each listener by running
// a script in the page from Rust, and WebKit answers the first such script by starting a
// JavaScript engine in the app's own process, megabytes nobody needs while the user only looks at
// the list (issue #14). None of these events can come before the user does something: a copy, a
// create/rotate/delete (a close is refused only while a token is unstored or a request is out),
// or a snooze of a reminder the window also shows. So the listeners are set up at the first key
// or pointer press, before any call that can change something (api.ts waits for them), and when
// the reminder banner shows.

import { listen } from "@tauri-apps/api/event";
import type { ClipboardCleared } from "./bindings";
import { clipboard } from "./clipboard";
import { closeBlocked } from "./close-guard";
import { reminderSnoozedElsewhere } from "./views/reminder-banner";

let listening: Promise<void> | null = null;
let ready = false;

/** Sets up the listeners once: the promise while that is under way, nothing once they are there. */
export function listenToWindowEvents(): Promise<void> | undefined {
  if (ready) return undefined;
  listening ??= Promise.all([
    // A failure to listen only loses that message (the close stays refused either way).
    listen<ClipboardCleared>("clipboard-cleared", (event) => clipboard().cleared(event.payload)).catch(() => {}),
    listen("close-blocked", () => closeBlocked()).catch(() => {}),
    listen<number>("reminders-snoozed", (event) => reminderSnoozedElsewhere(event.payload)).catch(() => {}),
  ]).then(() => {
    ready = true;
  });
  return listening;
}

/** The first key or pointer press in the window sets the listeners up. */
export function listenOnFirstInput(): void {
  const first = () => {
    document.removeEventListener("keydown", first, true);
    document.removeEventListener("pointerdown", first, true);
    void listenToWindowEvents();
  };
  document.addEventListener("keydown", first, true);
  document.addEventListener("pointerdown", first, true);
}
