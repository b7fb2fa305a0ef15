// Forget the local copy: removes the token from this machine's keychain only. The secret and its
// token keep working on wisp.place, so this is confirmed with a button, not by typing the name.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h, quoted } from "../dom";
import { announce } from "../status";
import type { ScreenContext } from "./context";

export function openForgetDialog(context: ScreenContext, row: SecretRow): Modal {
  const { did } = context.account;
  const name = row.name;
  const error = dialogError("forget-error");
  const cancel = button("Cancel", { id: "forget-cancel" }, () => modal.close());
  const submit = button("Forget local copy", { id: "forget-submit", class: "danger" }, () => void forget());

  const modal = openModal({
    id: "forget-dialog",
    title: `Forget the local copy of ${quoted(name)}?`,
    describedBy: "forget-explain",
    content: [
      h(
        "p",
        { id: "forget-explain" },
        "Its token is removed from this computer’s keychain. The secret stays on wisp.place and the token keeps working wherever you pasted it; Wispkey just cannot copy it for you any more (rotating gives you a new one).",
      ),
      error,
      actionsRow(cancel, submit),
    ],
    initialFocus: () => cancel,
    fallbackFocus: () => context.fallbackFocus(name),
  });

  async function forget() {
    submit.disabled = true;
    error.textContent = "";
    try {
      await call("forget_stored_token", { did, name });
      context.updateRow(name, { storedLocally: false });
      modal.close();
      announce(`Forgot the local copy of ${quoted(name)}.`);
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
      submit.disabled = false;
    }
  }

  return modal;
}
