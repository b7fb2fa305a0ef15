// Rotate: the old token dies the moment the server accepts, so the dialog says so and asks for
// the name. Success opens the copy-once dialog; a lost answer opens the "outcome unknown" dialog.
// Nothing is ever retried automatically.
//
// A provider may refuse a rotate until it gets a second factor (second_factor_required: nothing
// happened). The same dialog then asks for the code inline, and each click of its button sends
// one rotate with that code. A wrong code (second_factor_invalid: nothing happened either) is
// said, and the field is emptied for another try. The code lives only in the field, never kept.
// A rotation whose answer carried no secret (rotated_without_secret) closes this dialog and opens
// one that says the old secret is dead and offers to store the new one from elsewhere.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { confirmNameField } from "./confirm-name";
import { dependentsNote } from "./dependents";
import type { ScreenContext } from "./context";
import { openRotatedWithoutSecretDialog } from "./rotated-dialog";
import { openTokenDialog } from "./token-dialog";
import { showConfirmationFailure } from "./unknown-dialog";

export function openRotateDialog(context: ScreenContext, row: SecretRow): Modal {
  const account = context.account.account;
  const { id, name } = row;
  const shown = shownSecret(context.provider, row);
  const factor = context.provider.secondFactor;
  const noun = context.provider.words.valueNoun;
  let busy = false;
  /** The provider asked for a second factor: the code field is shown and goes with each submit. */
  let askingCode = false;

  const submit = h("button", { type: "submit", id: "rotate-submit", class: "danger" }, "Rotate now");
  const cancel = button("Cancel", { id: "rotate-cancel" }, () => modal.close());
  const field = confirmNameField("rotate-confirm-name", name, submit);
  const error = dialogError("rotate-error");
  const dependents = dependentsNote("rotate-dependents", context, row);

  // The second factor, shown only once the provider asked for it.
  const code = h("input", {
    id: "rotate-second-factor",
    type: "text",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    autocapitalize: "none",
    autocorrect: "off",
    spellcheck: "false",
    "aria-describedby": "rotate-second-factor-asked rotate-second-factor-help",
  });
  const codeAsked = h("p", { id: "rotate-second-factor-asked" });
  const codeField = h(
    "div",
    { id: "rotate-second-factor-field", class: "field", hidden: true },
    codeAsked,
    h("label", { for: "rotate-second-factor" }, factor?.label ?? ""),
    code,
    h("p", { id: "rotate-second-factor-help", class: "help" }, factor?.help ?? ""),
  );

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h("p", { id: "rotate-warning", class: "danger-line" }, h("strong", {}, context.provider.words.rotateWarning)),
    h(
      "p",
      { id: "rotate-explain" },
      "Anything that verifies webhooks signed with ",
      shown,
      ` will reject them until you paste the new ${noun} into it. The new ${noun} is saved in this computer’s keychain and then shown once.`,
    ),
    dependents,
    field.label,
    codeField,
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
    // The code leaves the page with the dialog.
    onClosed: () => {
      code.value = "";
    },
  });

  code.addEventListener("input", () => {
    if (code.getAttribute("aria-invalid") === "true") {
      code.setAttribute("aria-invalid", "false");
      error.textContent = "";
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || !field.matches()) return;
    if (!askingCode || !factor) {
      void rotate(null);
      return;
    }
    // A pasted code may come with spaces or a dash ("123 456", "123-456").
    const digits = code.value.replace(/\D/g, "");
    if (digits.length !== factor.digits) {
      // Kept, so a typo can be fixed rather than typed again.
      refuseCode(`Type the ${factor.digits}-digit code.`, false);
      return;
    }
    void rotate(digits);
  });

  /** Shows the code field after the provider asked for it (nothing was rotated). */
  function askForCode(message: string) {
    askingCode = true;
    codeAsked.textContent = message;
    codeField.hidden = false;
    setBusy(false);
    code.focus();
    // The dialog grew: keep the button that sends the code in view (small windows scroll).
    submit.scrollIntoView({ block: "nearest" });
  }

  function refuseCode(message: string, clear = true) {
    error.textContent = message;
    if (clear) code.value = "";
    code.setAttribute("aria-invalid", "true");
    code.focus();
  }

  async function rotate(secondFactor: string | null) {
    const before = context.find(id)?.lastRotatedAt ?? row.lastRotatedAt;
    setBusy(true);
    error.textContent = "";
    try {
      const issued = await call("rotate_secret", { account, secretId: id, confirmName: field.input.value, secondFactor });
      modal.close();
      openTokenDialog(context, issued, "rotated");
      context.reload().catch(() => {});
    } catch (failure) {
      const ipc = failure as IpcError;
      if (factor && ipc.code === "second_factor_required") {
        askForCode(ipc.message);
        // Asked again although a code went with it: say so where the eye is.
        if (secondFactor !== null) refuseCode(ipc.message);
        return;
      }
      if (factor && ipc.code === "second_factor_invalid") {
        setBusy(false);
        refuseCode("That code was not accepted, and nothing was rotated. Type the current code and try again.");
        return;
      }
      if (ipc.code === "rotated_without_secret") {
        modal.close();
        openRotatedWithoutSecretDialog(context, row, ipc.message);
        context.reload().catch(() => {});
        return;
      }
      showConfirmationFailure(
        context,
        failure,
        { kind: "rotate", id, name, before },
        {
          modal,
          error,
          reopen: () => {
            setBusy(false);
            (askingCode ? code : field.input).focus();
          },
        },
        (again) => openRotateDialog(context, again),
      );
    }
  }

  function setBusy(value: boolean) {
    busy = value;
    submit.textContent = value ? "Rotating…" : askingCode ? "Rotate with code" : "Rotate now";
    submit.disabled = value || !field.matches();
    cancel.disabled = value;
    field.input.disabled = value;
    code.disabled = value;
    form.setAttribute("aria-busy", String(value));
  }

  return modal;
}
