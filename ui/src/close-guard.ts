// Closing the window while a token exists only in memory (the keychain did not take it): Rust
// refuses the close and sends "close-blocked". The copy-once dialog showing that token asks
// whether it was saved elsewhere; only a "yes" closes the window (close_window, which Rust checks
// again). Stored tokens never block: Rust lets those closes through without asking us. A
// request still waiting for the server blocks too: we ask whether to quit anyway.

import { call, type IpcError } from "./api";
import { confirmCuttingShort } from "./requests";
import { announce } from "./status";

type AskBeforeClosing = () => void;

let ask: AskBeforeClosing | null = null;

/** While an unstored token is on screen, what a blocked close does. Returns the release. */
export function guardUnstoredToken(askBeforeClosing: AskBeforeClosing): () => void {
  ask = askBeforeClosing;
  return () => {
    if (ask === askBeforeClosing) ask = null;
  };
}

let asking = false;

/** Rust refused to close the window: a token is only in memory, or a request is still out. */
export function closeBlocked(): void {
  if (ask) {
    ask();
    return;
  }
  if (asking) return;
  asking = true;
  void call("in_flight_requests", {})
    .catch(() => [])
    .then(async (requests) => {
      if (requests.length === 0) {
        // No dialog yet: the token was just issued and its keychain write is still under way.
        announce("A new token is still being saved to your keychain. Close the window again once it is shown.", "problem");
        return;
      }
      if (await confirmCuttingShort("Quit")) await call("close_leaving_requests", {});
    })
    .catch((failure: IpcError) => announce(failure.message, "problem"))
    .finally(() => {
      asking = false;
    });
}
