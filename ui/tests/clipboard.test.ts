import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ClipboardCountdown } from "../src/clipboard";
import { statusLine } from "../src/status";
import { $, calls, installFakeIpc, on } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function mount() {
  const countdown = new ClipboardCountdown();
  const home = document.createElement("footer");
  document.body.replaceChildren(statusLine(), home);
  countdown.setHome(home);
  return countdown;
}

describe("clipboard countdown", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    installFakeIpc();
  });
  afterEach(() => vi.useRealTimers());

  it("counts down the seconds left and is empty when nothing is pending", () => {
    const countdown = mount();
    expect($("#clipboard-countdown").hidden).toBe(true);
    countdown.start({ clearsInSeconds: 3 }, "the token for a");
    expect($("#clipboard-countdown").textContent).toBe("Clipboard clears in 3 s");
    vi.advanceTimersByTime(1000);
    expect($("#clipboard-countdown").textContent).toBe("Clipboard clears in 2 s");
    vi.advanceTimersByTime(2000);
    expect($("#clipboard-countdown").textContent).toBe("Clearing the clipboard…");
    countdown.cleared({ cleared: true });
    expect($("#clipboard-countdown").hidden).toBe(true);
    expect($("#clipboard-countdown").textContent).toBe("");
    expect($("#status").textContent).toBe("Clipboard cleared.");
  });

  it("stops claiming anything is pending if Rust never reports back", () => {
    const countdown = mount();
    countdown.start({ clearsInSeconds: 1 }, "x");
    vi.advanceTimersByTime(8000);
    expect(countdown.pending).toBe(false);
    expect($("#clipboard-countdown").hidden).toBe(true);
  });

  it("says when automatic clearing is off", () => {
    const countdown = mount();
    countdown.start({ clearsInSeconds: 0 }, "the token for a");
    expect($("#clipboard-countdown").hidden).toBe(true);
    expect($("#clipboard-outcome").textContent).toBe("Copied. Automatic clearing is off in Settings.");
  });

  it("Clear now asks Rust to clear", () => {
    on("clear_clipboard", () => null);
    const countdown = mount();
    countdown.start({ clearsInSeconds: 30 }, "x");
    $("#clipboard-clear").click();
    expect(calls("clear_clipboard")).toEqual([{}]);
  });

  it("a dialog can borrow it and give it back", () => {
    const countdown = mount();
    const dialog = document.createElement("div");
    document.body.append(dialog);
    countdown.dockIn(dialog);
    expect(dialog.contains($("#clipboard-countdown"))).toBe(true);
    countdown.undock();
    expect(document.querySelector("footer #clipboard-countdown")).not.toBeNull();
    expect(document.querySelectorAll("#clipboard-countdown").length).toBe(1);
  });
});
