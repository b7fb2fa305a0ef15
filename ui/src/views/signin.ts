// The first screen: who are you? A handle or DID, and a Sign in button.

import { h } from "../dom";
import { checkIdentity } from "../identity";

export interface SignInActions {
  /** Starts sign-in for a checked handle or DID. Rejects with a message to show. */
  signIn(identity: string): Promise<void>;
}

export function signInView(actions: SignInActions): HTMLElement {
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
  const status = h("p", { id: "signin-status", class: "status", role: "status" });
  const button = h("button", { type: "submit", id: "signin-button", class: "primary" }, "Sign in");

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
    status,
  );

  const showFieldError = (message: string) => {
    error.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
  };

  input.addEventListener("input", () => {
    if (error.textContent) showFieldError("");
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const checked = checkIdentity(input.value);
    if (!checked.ok) {
      showFieldError(checked.reason);
      input.focus();
      return;
    }
    showFieldError("");
    status.textContent = "";
    button.disabled = true;
    actions
      .signIn(checked.value)
      .catch((reason: unknown) => {
        status.textContent = reason instanceof Error ? reason.message : String(reason);
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  return h("section", { class: "screen signin" }, form);
}
