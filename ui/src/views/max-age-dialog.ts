// A secret's own maximum age: after that many days without a rotation it is marked overdue.
// Empty returns it to the Settings default.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import type { ScreenContext } from "./context";

export function openMaxAgeDialog(context: ScreenContext, row: SecretRow): Modal {
  const shown = shownSecret(context.provider, row);
  const input = h("input", {
    id: "max-age-days",
    type: "number",
    min: "1",
    max: "3650",
    inputmode: "numeric",
    placeholder: String(context.preferences().ageWarningDays),
    "aria-describedby": "max-age-explain max-age-error",
  });
  if (row.maxAgeOverrideDays !== null) input.value = String(row.maxAgeOverrideDays);
  const error = dialogError("max-age-error");
  const cancel = button("Cancel", { id: "max-age-cancel" }, () => modal.close());
  const save = h("button", { type: "submit", id: "max-age-save", class: "primary" }, "Save");
  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h(
      "p",
      { id: "max-age-explain" },
      `Mark ${shown} overdue once it has not been rotated for this many days. Leave empty to use the default from Settings (${context.preferences().ageWarningDays} days).`,
    ),
    h("div", { class: "field" }, h("label", { for: "max-age-days" }, "Maximum age (days)"), input),
    error,
    actionsRow(cancel, save),
  );
  const modal = openModal({
    id: "max-age-dialog",
    title: `Maximum age of ${shown}`,
    content: [form],
    initialFocus: () => input,
    fallbackFocus: () => context.fallbackFocus(row.id),
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    const days = text === "" ? null : Number(text);
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      error.textContent = "Give a whole number of days from 1 to 3650, or leave it empty.";
      input.focus();
      return;
    }
    call("set_max_age", { account: context.account.account, secretId: row.id, days })
      .then(() => {
        context.updateRow(row.id, { maxAgeOverrideDays: days });
        modal.close();
      })
      .catch((failure: IpcError) => (error.textContent = failure.message));
  });
  return modal;
}
