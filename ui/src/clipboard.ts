// The clipboard countdown. Copies happen in Rust (which also clears the clipboard, and only if it
// still holds our value); this shows how long is left (#clipboard-countdown) and what happened
// when the `clipboard-cleared` event arrives. One element for the whole app: the copy-once dialog
// borrows it while it is open, so the countdown stays visible above the modal backdrop.

import { call, type IpcError } from "./api";
import type { ClipboardCleared, ClipboardCopy } from "./bindings";
import { button, h } from "./dom";
import { announce } from "./status";

/** How long past the deadline we wait for Rust's event before giving up on showing the outcome. */
const EVENT_GRACE_MS = 5000;
const OUTCOME_SHOWN_MS = 10000;

export class ClipboardCountdown {
  readonly element: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly outcome: HTMLElement;
  private readonly clearNow: HTMLButtonElement;
  private home: HTMLElement | null = null;
  private tick: ReturnType<typeof setInterval> | undefined;
  private outcomeTimer: ReturnType<typeof setTimeout> | undefined;
  private deadline = 0;

  constructor() {
    // The seconds change every second: not a live region (that would be read out each time).
    this.countdown = h("span", { id: "clipboard-countdown", class: "countdown", "aria-live": "off", hidden: true });
    this.outcome = h("span", { id: "clipboard-outcome", class: "clipboard-outcome" });
    this.clearNow = button("Clear now", { id: "clipboard-clear", class: "link", hidden: true }, () => this.clear());
    this.element = h("div", { class: "clipboard" }, this.countdown, this.clearNow, this.outcome);
  }

  /** Whether a copy is waiting to be cleared. */
  get pending(): boolean {
    return this.tick !== undefined;
  }

  /** Where the countdown lives when no dialog has borrowed it. */
  setHome(home: HTMLElement): void {
    this.home = home;
    home.append(this.element);
  }

  dockIn(parent: HTMLElement): void {
    parent.append(this.element);
  }

  undock(): void {
    if (this.home?.isConnected) this.home.append(this.element);
    else this.element.remove();
  }

  /** A copy just happened; `what` says what was copied ("the token for deploy-hook"). */
  start(copy: ClipboardCopy, what: string): void {
    this.stopTick();
    this.showOutcome("");
    if (copy.clearsInSeconds <= 0) {
      this.countdown.hidden = true;
      this.countdown.textContent = "";
      this.clearNow.hidden = false;
      this.showOutcome("Copied. Automatic clearing is off in Settings.");
      announce(`Copied ${what}. Automatic clearing is off.`);
      return;
    }
    this.deadline = Date.now() + copy.clearsInSeconds * 1000;
    this.countdown.hidden = false;
    this.clearNow.hidden = false;
    this.render();
    this.tick = setInterval(() => this.render(), 1000);
    announce(`Copied ${what}. The clipboard clears in ${copy.clearsInSeconds} seconds.`);
  }

  /** Rust's `clipboard-cleared` event. */
  cleared(payload: ClipboardCleared): void {
    this.stopTick();
    this.countdown.hidden = true;
    this.countdown.textContent = "";
    this.clearNow.hidden = true;
    const message = payload.cleared
      ? "Clipboard cleared."
      : "Clipboard left alone: you copied something else since.";
    this.showOutcome(message, OUTCOME_SHOWN_MS);
    announce(message);
  }

  /** Forget any countdown (signing out clears the clipboard on the Rust side). */
  reset(): void {
    this.stopTick();
    this.countdown.hidden = true;
    this.countdown.textContent = "";
    this.clearNow.hidden = true;
    this.showOutcome("");
  }

  private render(): void {
    const left = Math.ceil((this.deadline - Date.now()) / 1000);
    if (left > 0) {
      this.countdown.textContent = `Clipboard clears in ${left} s`;
      return;
    }
    this.countdown.textContent = "Clearing the clipboard…";
    if (Date.now() - this.deadline > EVENT_GRACE_MS) {
      // No word from Rust: stop claiming anything is pending rather than count forever.
      this.stopTick();
      this.countdown.hidden = true;
      this.countdown.textContent = "";
      this.clearNow.hidden = true;
    }
  }

  private clear(): void {
    call("clear_clipboard", {}).catch((error: IpcError) => announce(error.message, "problem"));
  }

  private stopTick(): void {
    clearInterval(this.tick);
    this.tick = undefined;
  }

  private showOutcome(message: string, ms?: number): void {
    clearTimeout(this.outcomeTimer);
    this.outcome.textContent = message;
    if (ms !== undefined && message) {
      this.outcomeTimer = setTimeout(() => {
        if (this.outcome.textContent === message) this.outcome.textContent = "";
      }, ms);
    }
  }
}

let shared: ClipboardCountdown | undefined;

/** The one countdown of the app. */
export function clipboard(): ClipboardCountdown {
  shared ??= new ClipboardCountdown();
  return shared;
}
