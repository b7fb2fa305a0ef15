// Closing the window while a token exists only in memory (the keychain did not take it): Rust
// refuses the close and sends "close-blocked". The copy-once dialog showing that token asks
// whether it was saved elsewhere; only a "yes" closes the window (close_window, which Rust checks
// again). Stored tokens never block: Rust lets those closes through without asking us.

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

/** Rust refused to close the window. */
export function closeBlocked(): void {
  if (ask) {
    ask();
    return;
  }
  // No dialog yet: the token was just issued and its keychain write is still under way.
  announce("A new token is still being saved to your keychain. Close the window again once it is shown.", "problem");
}
