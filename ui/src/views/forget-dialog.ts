// Forget the local copy: removes the token from this machine's keychain only. The secret and its
// token keep working at the provider, so this is confirmed with a button, not by typing the name.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { announce } from "../status";
import type { ScreenContext } from "./context";

export function openForgetDialog(context: ScreenContext, row: SecretRow): Modal {
  const account = context.account.account;
  const { id } = row;
  const shown = shownSecret(context.provider, row);
  const error = dialogError("forget-error");
  const cancel = button("Cancel", { id: "forget-cancel" }, () => modal.close());
  const submit = button("Forget local copy", { id: "forget-submit", class: "danger" }, () => void forget());

  const modal = openModal({
    id: "forget-dialog",
    title: `Forget the local copy of ${shown}?`,
    describedBy: "forget-explain",
    content: [
      h("p", { id: "forget-explain" }, context.provider.words.forgetConsequence),
      error,
      actionsRow(cancel, submit),
    ],
    initialFocus: () => cancel,
    fallbackFocus: () => context.fallbackFocus(id),
  });

  async function forget() {
    submit.disabled = true;
    error.textContent = "";
    try {
      await call("forget_stored_token", { account, secretId: id });
      context.updateRow(id, { storedLocally: false });
      modal.close();
      announce(`Forgot the local copy of ${shown}.`);
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
      submit.disabled = false;
    }
  }

  return modal;
}
