// Delete: irreversible, so confirmed by typing the name. When this machine has a copy of the
// token, a checkbox (checked) also removes it from the keychain.

import { call } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { announce } from "../status";
import { confirmNameField } from "./confirm-name";
import { dependentsNote } from "./dependents";
import type { ScreenContext } from "./context";
import { showConfirmationFailure } from "./unknown-dialog";

export function openDeleteDialog(context: ScreenContext, row: SecretRow): Modal {
  const account = context.account.account;
  const { id, name } = row;
  const shown = shownSecret(context.provider, row);
  let busy = false;

  const submit = h("button", { type: "submit", id: "delete-submit", class: "danger" }, "Delete");
  const cancel = button("Cancel", { id: "delete-cancel" }, () => modal.close());
  const field = confirmNameField("delete-confirm-name", name, submit);
  const error = dialogError("delete-error");
  const localCopy = h("input", { id: "delete-local-copy", type: "checkbox", checked: true });
  localCopy.checked = true;
  const dependents = dependentsNote("delete-dependents", context, row);

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h(
      "p",
      { id: "delete-warning" },
      h("strong", {}, "This cannot be undone. "),
      `${shown} ${context.provider.words.deleteConsequence}`,
    ),
    dependents,
    row.storedLocally &&
      h(
        "div",
        { class: "check" },
        localCopy,
        h("label", { for: "delete-local-copy" }, "Also remove its token from this computer’s keychain"),
      ),
    field.label,
    error,
    actionsRow(cancel, submit),
  );

  const modal = openModal({
    id: "delete-dialog",
    title: `Delete ${shown}?`,
    role: "alertdialog",
    describedBy: dependents ? "delete-warning delete-dependents" : "delete-warning",
    content: [form],
    initialFocus: () => field.input,
    fallbackFocus: () => context.fallbackFocus(),
    onEscape: () => {
      if (!busy) modal.close();
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || !field.matches()) return;
    void remove();
  });

  async function remove() {
    setBusy(true);
    error.textContent = "";
    const removeLocalCopy = row.storedLocally && localCopy.checked;
    try {
      const outcome = await call("delete_secret", { account, secretId: id, confirmName: field.input.value, removeLocalCopy });
      modal.close();
      announce(
        `Deleted ${shown}.` +
          (outcome.localCopyRemoved
            ? " Its token was removed from your keychain too."
            : row.storedLocally
              ? " Its old token is still in your keychain (use Forget in the list if you do not need it)."
              : ""),
      );
      context.reload().catch(() => {});
    } catch (failure) {
      showConfirmationFailure(
        context,
        failure,
        { kind: "delete", id, name, before: row.lastRotatedAt },
        {
          modal,
          error,
          reopen: () => {
            setBusy(false);
            field.input.focus();
          },
        },
        null,
      );
    }
  }

  function setBusy(value: boolean) {
    busy = value;
    submit.textContent = value ? "Deleting…" : "Delete";
    submit.disabled = value || !field.matches();
    cancel.disabled = value;
    field.input.disabled = value;
    localCopy.disabled = value;
    form.setAttribute("aria-busy", String(value));
  }

  return modal;
}
