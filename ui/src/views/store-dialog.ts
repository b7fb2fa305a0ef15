// Store a secret rotated elsewhere: the user rotated a secret in the provider's own dashboard (or
// a rotation here came back without one) and pastes the new secret, which becomes this computer's
// stored copy for that secret. Rust writes it to the keychain and reads it back before answering.
// The pasted text lives in a password-type field only while the dialog is open.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { announce } from "../status";
import type { ScreenContext } from "./context";

export function openStoreDialog(context: ScreenContext, row: Pick<SecretRow, "id" | "name">): Modal {
  const account = context.account.account;
  const { id } = row;
  const shown = shownSecret(context.provider, row);
  let busy = false;

  const input = h("input", {
    id: "store-secret",
    type: "password",
    class: "token-value",
    autocomplete: "off",
    autocapitalize: "none",
    autocorrect: "off",
    spellcheck: "false",
    "aria-describedby": "store-explain store-error",
  });
  const reveal = button("Show", { id: "store-reveal", "aria-pressed": "false", "aria-controls": "store-secret" }, () => {
    const showing = input.type === "password";
    input.type = showing ? "text" : "password";
    reveal.textContent = showing ? "Hide" : "Show";
    reveal.setAttribute("aria-pressed", String(showing));
  });
  const error = dialogError("store-error");
  const cancel = button("Cancel", { id: "store-cancel" }, () => modal.close());
  const submit = h("button", { type: "submit", id: "store-submit", class: "primary" }, "Store in keychain");

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h(
      "div",
      { id: "store-explain" },
      h("p", {}, `Rotated ${shown} in ${context.provider.label}’s own dashboard? Paste the new secret here.`),
      h(
        "p",
        {},
        "It becomes this computer’s stored copy for that secret, replacing any copy stored now. Wispkey saves it in your keychain and reads it back to check.",
      ),
    ),
    h(
      "div",
      { class: "field" },
      h("label", { for: "store-secret" }, "New secret"),
      h("div", { class: "token-row" }, input, reveal),
    ),
    error,
    actionsRow(cancel, submit),
  );

  const modal = openModal({
    id: "store-dialog",
    title: `Store a secret for ${shown}`,
    describedBy: "store-explain",
    content: [form],
    initialFocus: () => input,
    fallbackFocus: () => context.fallbackFocus(id),
    onEscape: () => {
      if (!busy) modal.close();
    },
    // What was pasted leaves the page with the dialog.
    onClosed: () => {
      input.value = "";
    },
  });

  input.addEventListener("input", () => {
    if (error.textContent) error.textContent = "";
    input.removeAttribute("aria-invalid");
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    // A paste often brings a line break along; a secret does not end in one.
    const secret = input.value.trim();
    if (!secret) {
      error.textContent = "Paste the new secret first.";
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    void store(secret);
  });

  async function store(secret: string) {
    setBusy(true);
    error.textContent = "";
    try {
      await call("store_pasted_secret", { account, secretId: id, secret });
      context.updateRow(id, { storedLocally: true });
      modal.close();
      announce(`Stored the new secret for ${shown} in your keychain.`);
    } catch (failure) {
      const ipc = failure as IpcError;
      if (ipc.code === "permission_missing") context.permissionMissing(ipc);
      error.textContent = ipc.message;
      setBusy(false);
      input.focus();
    }
  }

  function setBusy(value: boolean) {
    busy = value;
    submit.disabled = value;
    submit.textContent = value ? "Storing…" : "Store in keychain";
    cancel.disabled = value;
    input.disabled = value;
    reveal.disabled = value;
    form.setAttribute("aria-busy", String(value));
  }

  return modal;
}
