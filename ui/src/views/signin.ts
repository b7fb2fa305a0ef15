// The first screen: which provider (a choice only when there is more than one), then who you are
// there, and a Sign in button. Labels, help and the waiting line come from the provider's
// descriptor. While the browser is open on the consent page, a Cancel button stops waiting.
// A provider that signs in with an API key gets a password-type field instead: the key goes into
// the sign-in call only, and the field is emptied as it goes.

import type { ProviderDescriptor, SignInInput } from "../bindings";
import { h } from "../dom";
import { checkIdentity } from "../identity";
import { credentialsForm } from "./credentials-fields";

export interface SignInActions {
  /** Starts sign-in at that provider for a checked identity. Rejects with a message to show. */
  signIn(provider: ProviderDescriptor, identity: string): Promise<void>;
  /** Signs in at that provider with an API key. Rejects with a message to show. Without it,
   * providers that sign in by key are shown as unavailable. */
  signInWithKey?(provider: ProviderDescriptor, key: string): Promise<void>;
  /** Signs in at a server the user names (email and password, or a token). Rejects with an
   * Error carrying the IPC `code`, so the form can ask for the authenticator code. */
  signInWithCredentials?(provider: ProviderDescriptor, input: SignInInput): Promise<void>;
  /** Stops waiting for the browser. */
  cancel(): void;
  /** When adding another account: go back to the one already signed in. */
  back?: { label: string; go(): void } | undefined;
}

export function signInView(
  providers: readonly ProviderDescriptor[],
  actions: SignInActions,
  notice?: string,
): HTMLElement {
  let chosen: ProviderDescriptor | undefined = providers[0];

  const input = h("input", {
    id: "handle",
    name: "handle",
    type: "text",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    "aria-describedby": "handle-help handle-error",
    required: true,
  });
  const label = h("label", { for: "handle" });
  const help = h("p", { id: "handle-help", class: "help" });
  const error = h("p", { id: "handle-error", class: "field-error", role: "alert" });
  const status = h("p", { id: "signin-status", class: "status", role: "status" }, notice ?? "");
  const button = h("button", { type: "submit", id: "signin-button", class: "primary" }, "Sign in");
  const cancel = h("button", { type: "button", id: "signin-cancel", hidden: true }, "Cancel");
  const back = actions.back
    ? h("button", { type: "button", id: "signin-back", class: "link" }, `Back to ${actions.back.label}`)
    : null;
  const unavailable = h("p", { id: "signin-unavailable", class: "field-error", hidden: true });

  // API-key sign-in: never autofilled or spell-checked, pasting allowed, emptied after use.
  const keyInput = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    autocapitalize: "none",
    autocorrect: "off",
    spellcheck: "false",
    "aria-describedby": "api-key-error",
    required: true,
  });
  const keyLabel = h("label", { for: "api-key" });
  const keyError = h("p", { id: "api-key-error", class: "field-error", role: "alert" });
  const keyField = h("div", { id: "api-key-field", class: "field", hidden: true }, keyLabel, keyInput, keyError);
  const credentials = credentialsForm();

  const form = h(
    "form",
    { id: "signin-form", class: "card", "aria-labelledby": "signin-title", novalidate: true },
    h("div", { class: "brand" }, h("img", { src: "./icon.png", alt: "", width: "48", height: "48" })),
    h("h1", { id: "signin-title" }, "Wispkey"),
    h("p", { class: "tagline" }, "Webhook signing secrets, rotated safely."),
    providerChoice(providers, (provider) => {
      chosen = provider;
      applyMethod();
    }),
    label,
    input,
    help,
    error,
    keyField,
    credentials.element,
    unavailable,
    button,
    cancel,
    status,
    back,
  );

  /** Shows the chosen provider's way of signing in (or says this version cannot). */
  function applyMethod() {
    const method = chosen?.signIn;
    const oauth = method?.kind === "oauth" ? method : null;
    const apiKey = method?.kind === "apiKey" && actions.signInWithKey ? method : null;
    label.textContent = oauth?.identityLabel ?? "";
    input.placeholder = oauth?.identityPlaceholder ?? "";
    help.textContent = oauth?.identityHelp ?? "";
    for (const element of [label, input, help, error]) element.hidden = oauth === null;
    keyLabel.textContent = apiKey?.keyLabel ?? "";
    keyField.hidden = apiKey === null;
    // A key typed for one provider never goes to another.
    keyInput.value = "";
    const byCredentials = method?.kind === "credentials" && actions.signInWithCredentials ? method : null;
    credentials.apply(byCredentials?.fields ?? null, byCredentials ? (chosen?.secondFactor ?? null) : null);
    const usable = oauth !== null || apiKey !== null || byCredentials !== null;
    button.disabled = !usable;
    unavailable.hidden = usable || chosen === undefined;
    unavailable.textContent = chosen && !usable ? `This version of Wispkey cannot sign in to ${chosen.label} yet.` : "";
    showFieldError("");
    showKeyError("");
  }

  function showKeyError(message: string) {
    keyError.textContent = message;
    keyInput.setAttribute("aria-invalid", message ? "true" : "false");
  }

  function showFieldError(message: string) {
    error.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }
  const setWaiting = (waiting: boolean) => {
    button.disabled = waiting;
    input.disabled = waiting;
    keyInput.disabled = waiting;
    credentials.setDisabled(waiting);
    button.textContent = waiting ? "Signing in…" : "Sign in";
    // Only a browser sign-in waits on something the user may abandon.
    cancel.hidden = !waiting || chosen?.signIn.kind !== "oauth";
    if (back) back.hidden = waiting;
    for (const radio of form.querySelectorAll<HTMLInputElement>('input[name="provider"]')) radio.disabled = waiting;
    form.setAttribute("aria-busy", waiting ? "true" : "false");
    if (waiting && !cancel.hidden) cancel.focus();
  };

  input.addEventListener("input", () => {
    if (error.textContent) showFieldError("");
  });
  keyInput.addEventListener("input", () => {
    if (keyError.textContent) showKeyError("");
  });
  cancel.addEventListener("click", () => actions.cancel());
  back?.addEventListener("click", () => actions.back?.go());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const provider = chosen;
    if (provider?.signIn.kind === "apiKey") {
      signInWithKey(provider, provider.signIn.keyLabel);
      return;
    }
    if (provider?.signIn.kind === "credentials") {
      const withCredentials = actions.signInWithCredentials;
      const input = credentials.collect();
      if (!withCredentials || !input) return;
      const signingIn = withCredentials(provider, input).catch((reason: unknown) => {
        credentials.failed((reason as { code?: string } | null)?.code);
        throw reason;
      });
      waitOn(signingIn, "Signing in…", () => credentials.focusTarget());
      return;
    }
    if (!provider || provider.signIn.kind !== "oauth") return;
    // The descriptor carries no identity syntax yet; OAuth sign-in today is AT Protocol's
    // (handle or DID), so that is what is checked.
    const checked = checkIdentity(input.value);
    if (!checked.ok) {
      showFieldError(checked.reason);
      input.focus();
      return;
    }
    showFieldError("");
    waitOn(actions.signIn(provider, checked.value), provider.signIn.waiting, input);
  });

  /** Waits on a sign-in: `waiting` meanwhile, then the failure (and focus back on `field`). */
  function waitOn(signingIn: Promise<unknown>, waiting: string, field: HTMLInputElement | (() => HTMLInputElement)) {
    status.textContent = waiting;
    setWaiting(true);
    signingIn
      .then(() => {
        status.textContent = "";
      })
      .catch((reason: unknown) => {
        status.textContent = reason instanceof Error ? reason.message : String(reason);
      })
      .finally(() => {
        setWaiting(false);
        if (status.textContent) (typeof field === "function" ? field() : field).focus();
      });
  }

  function signInWithKey(provider: ProviderDescriptor, keyName: string) {
    const withKey = actions.signInWithKey;
    if (!withKey) return;
    // Pasted keys often bring a space or a line break along; a key never has them at its ends.
    const key = keyInput.value.trim();
    if (!key) {
      showKeyError(`Paste your ${keyName}.`);
      keyInput.focus();
      return;
    }
    showKeyError("");
    // The key leaves the page as it goes into the call: nothing keeps it while sign-in finishes,
    // and a refused key is pasted again.
    keyInput.value = "";
    waitOn(withKey(provider, key), "Signing in…", keyInput);
  }

  applyMethod();
  return h("section", { class: "screen signin" }, form);
}

/**
 * Which provider to sign in to: a radio group when there is a choice, else a line naming the one
 * there is (so the page always says where you are signing in).
 */
function providerChoice(
  providers: readonly ProviderDescriptor[],
  choose: (provider: ProviderDescriptor) => void,
): HTMLElement | null {
  const only = providers.length === 1 ? providers[0] : undefined;
  if (only) return h("p", { id: "signin-provider", class: "signin-provider" }, `Sign in to ${only.label}`);
  if (providers.length === 0) return null;
  const radios = providers.map((provider, index) => {
    const radio = h("input", { type: "radio", name: "provider", id: `provider-${provider.id}`, value: provider.id, checked: index === 0 });
    radio.addEventListener("change", () => {
      if (radio.checked) choose(provider);
    });
    return h("label", { for: `provider-${provider.id}`, class: "choice" }, radio, ` ${provider.label}`);
  });
  return h(
    "fieldset",
    { id: "provider-choice", class: "provider-choice", role: "radiogroup" },
    h("legend", {}, "Sign in to"),
    ...radios,
  );
}
