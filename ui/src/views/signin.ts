// The first screen: who are you? A handle or DID, and a Sign in button. While the browser is
// open on the PDS's consent page, a Cancel button stops waiting.

import { h } from "../dom";
import { checkIdentity } from "../identity";

export interface SignInActions {
  /** Starts sign-in for a checked handle or DID. Rejects with a message to show. */
  signIn(identity: string): Promise<void>;
  /** Stops waiting for the browser. */
  cancel(): void;
  /** When adding another account: go back to the one already signed in. */
  back?: { label: string; go(): void } | undefined;
}

export function signInView(actions: SignInActions, notice?: string): HTMLElement {
  const input = h("input", {
    id: "handle",
    name: "handle",
    type: "text",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    placeholder: "alice.bsky.social",
    "aria-describedby": "handle-help handle-error",
    required: true,
  });
  const help = h("p", { id: "handle-help", class: "help" }, "Your handle or DID on your own PDS.");
  const error = h("p", { id: "handle-error", class: "field-error", role: "alert" });
  const status = h("p", { id: "signin-status", class: "status", role: "status" }, notice ?? "");
  const button = h("button", { type: "submit", id: "signin-button", class: "primary" }, "Sign in");
  const cancel = h("button", { type: "button", id: "signin-cancel", hidden: true }, "Cancel");
  const back = actions.back
    ? h("button", { type: "button", id: "signin-back", class: "link" }, `Back to ${actions.back.label}`)
    : null;

  const form = h(
    "form",
    { id: "signin-form", class: "card", "aria-labelledby": "signin-title", novalidate: true },
    h("div", { class: "brand" }, h("img", { src: "./icon.png", alt: "", width: "48", height: "48" })),
    h("h1", { id: "signin-title" }, "Wispkey"),
    h("p", { class: "tagline" }, "Webhook signing secrets, rotated safely."),
    h("label", { for: "handle" }, "Handle or DID"),
    input,
    help,
    error,
    button,
    cancel,
    status,
    back,
  );

  const showFieldError = (message: string) => {
    error.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
  };
  const setWaiting = (waiting: boolean) => {
    button.disabled = waiting;
    input.disabled = waiting;
    button.textContent = waiting ? "Signing in…" : "Sign in";
    cancel.hidden = !waiting;
    if (back) back.hidden = waiting;
    form.setAttribute("aria-busy", waiting ? "true" : "false");
    if (waiting) cancel.focus();
  };

  input.addEventListener("input", () => {
    if (error.textContent) showFieldError("");
  });
  cancel.addEventListener("click", () => actions.cancel());
  back?.addEventListener("click", () => actions.back?.go());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = checkIdentity(input.value);
    if (!checked.ok) {
      showFieldError(checked.reason);
      input.focus();
      return;
    }
    showFieldError("");
    status.textContent = "Finish signing in on your PDS's page in your browser…";
    setWaiting(true);
    actions
      .signIn(checked.value)
      .then(() => {
        status.textContent = "";
      })
      .catch((reason: unknown) => {
        status.textContent = reason instanceof Error ? reason.message : String(reason);
      })
      .finally(() => {
        setWaiting(false);
        if (status.textContent) input.focus();
      });
  });

  return h("section", { class: "screen signin" }, form);
}
