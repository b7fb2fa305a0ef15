// Rotate: the old token dies the moment the server accepts, so the dialog says so and asks for
// the name. Success opens the copy-once dialog; a lost answer opens the "outcome unknown" dialog.
// Nothing is ever retried automatically.

import { call } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { confirmNameField } from "./confirm-name";
import { dependentsNote } from "./dependents";
import type { ScreenContext } from "./context";
import { openTokenDialog } from "./token-dialog";
import { showConfirmationFailure } from "./unknown-dialog";

export function openRotateDialog(context: ScreenContext, row: SecretRow): Modal {
  const account = context.account.account;
  const { id, name } = row;
  const shown = shownSecret(context.provider, row);
  let busy = false;

  const submit = h("button", { type: "submit", id: "rotate-submit", class: "danger" }, "Rotate now");
  const cancel = button("Cancel", { id: "rotate-cancel" }, () => modal.close());
  const field = confirmNameField("rotate-confirm-name", name, submit);
  const error = dialogError("rotate-error");
  const dependents = dependentsNote("rotate-dependents", context, row);

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h("p", { id: "rotate-warning", class: "danger-line" }, h("strong", {}, "The current token stops working immediately.")),
    h(
      "p",
      { id: "rotate-explain" },
      "Anything that verifies webhooks signed with ",
      shown,
      " will reject them until you paste the new token into it. The new token is saved in this computer’s keychain and then shown once.",
    ),
    dependents,
    field.label,
    error,
    actionsRow(cancel, submit),
  );

  const modal = openModal({
    id: "rotate-dialog",
    title: `Rotate ${shown}?`,
    role: "alertdialog",
    describedBy: dependents ? "rotate-warning rotate-explain rotate-dependents" : "rotate-warning rotate-explain",
    content: [form],
    initialFocus: () => field.input,
    fallbackFocus: () => context.fallbackFocus(id),
    // While the request is out, the dialog stays: closing it would hide the outcome.
    onEscape: () => {
      if (!busy) modal.close();
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || !field.matches()) return;
    void rotate();
  });

  async function rotate() {
    const before = context.find(id)?.lastRotatedAt ?? row.lastRotatedAt;
    setBusy(true);
    error.textContent = "";
    try {
      const issued = await call("rotate_secret", { account, secretId: id, confirmName: field.input.value, secondFactor: null });
      modal.close();
      openTokenDialog(context, issued, "rotated");
      context.reload().catch(() => {});
    } catch (failure) {
      showConfirmationFailure(
        context,
        failure,
        { kind: "rotate", id, name, before },
        {
          modal,
          error,
          reopen: () => {
            setBusy(false);
            field.input.focus();
          },
        },
        (again) => openRotateDialog(context, again),
      );
    }
  }

  function setBusy(value: boolean) {
    busy = value;
    submit.textContent = value ? "Rotating…" : "Rotate now";
    submit.disabled = value || !field.matches();
    cancel.disabled = value;
    field.input.disabled = value;
    form.setAttribute("aria-busy", String(value));
  }

  return modal;
}
