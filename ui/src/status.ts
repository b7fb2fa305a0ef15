// The transient status line (#status, aria-live="polite"): one sentence about what just happened.
// Screen readers hear it; sighted users see it at the bottom of the window.

let clearTimer: ReturnType<typeof setTimeout> | undefined;

export function statusLine(): HTMLElement {
  const line = document.createElement("p");
  line.id = "status";
  line.className = "status-line";
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  return line;
}

/** Shows a message; "problem" colours it as an error. It stays until the next message. */
export function announce(message: string, kind: "info" | "problem" = "info"): void {
  const line = document.getElementById("status");
  if (!line) return;
  clearTimeout(clearTimer);
  line.textContent = message;
  line.classList.toggle("problem", kind === "problem");
}

/** Like announce, but the line empties itself after a while (for "Copied." and such). */
export function announceBriefly(message: string, ms = 8000): void {
  announce(message);
  clearTimer = setTimeout(() => {
    const line = document.getElementById("status");
    if (line?.textContent === message) line.textContent = "";
  }, ms);
}
