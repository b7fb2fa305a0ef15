// Requests still waiting for the server (create, rotate, delete), and those an earlier run never
// heard back about. Closing the window, signing out or switching accounts while one is out asks
// first; Rust keeps a note of each on disk, so even a close nobody asked about (a crash, a kill)
// is told on the next start (see views/secrets.ts, which opens the outcome-unknown dialog).

import { call } from "./api";
import type { InFlight } from "./bindings";
import { actionsRow, openModal } from "./dialog";
import { button, h, quoted } from "./dom";

/** "A rotate of “hook”". */
export function describeRequest(request: InFlight): string {
  return `A ${request.operation} of ${quoted(request.name)}`;
}

/**
 * Resolves true when nothing is in flight, or the user chose to `action` anyway after reading
 * what would be cut short; false when they chose to wait.
 */
export async function confirmCuttingShort(action: "Quit" | "Sign out" | "Switch accounts"): Promise<boolean> {
  let requests: InFlight[];
  try {
    requests = await call("in_flight_requests", {});
  } catch {
    return true;
  }
  if (requests.length === 0) return true;
  return new Promise((resolve) => {
    let chosen = false;
    const wait = button("Keep waiting", { id: "in-flight-wait", class: "primary" }, () => modal.close());
    const go = button(`${action} anyway`, { id: "in-flight-go", class: "danger" }, () => {
      chosen = true;
      modal.close();
    });
    const verb = action === "Switch accounts" ? "switch accounts" : action.toLowerCase();
    const modal = openModal({
      id: "in-flight-dialog",
      title: `${action} anyway?`,
      role: "alertdialog",
      describedBy: "in-flight-explain",
      content: [
        h(
          "div",
          { id: "in-flight-explain" },
          ...requests.map((request) => h("p", {}, `${describeRequest(request)} is still waiting for the server.`)),
          h(
            "p",
            {},
            `If you ${verb} now, Wispkey may never hear whether it happened, and a token it issues would be lost. ` +
              "Wispkey will say so when it starts next and offer to check.",
          ),
        ),
        actionsRow(go, wait),
      ],
      initialFocus: () => wait,
      onClosed: () => resolve(chosen),
    });
  });
}
