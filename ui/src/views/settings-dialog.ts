// Settings: how long until the clipboard is cleared, and when a secret counts as old. Checked as
// typed against the same ranges the Rust side enforces; its own refusal is shown too.

import { call, type IpcError } from "../api";
import type { Preferences } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { announce } from "../status";
import type { ScreenContext } from "./context";

interface NumberField {
  input: HTMLInputElement;
  problem: HTMLElement;
  element: HTMLElement;
  read(): number | null;
}

function numberField(id: string, label: string, help: string, min: number, max: number, unit: string): NumberField {
  const input = h("input", {
    id,
    type: "number",
    inputmode: "numeric",
    min: String(min),
    max: String(max),
    step: "1",
    required: true,
    "aria-describedby": `${id}-help ${id}-problem`,
  });
  const problem = h("p", { id: `${id}-problem`, class: "field-error", "aria-live": "polite" });
  const element = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    input,
    h("p", { id: `${id}-help`, class: "help" }, help),
    problem,
  );
  const read = () => {
    const text = input.value.trim();
    let reason = "";
    if (text === "") reason = "Type a number.";
    else if (!/^\d+$/.test(text)) reason = `Use a whole number of ${unit}.`;
    else if (Number(text) < min || Number(text) > max) reason = `Use ${min} to ${max} ${unit}.`;
    problem.textContent = reason;
    input.setAttribute("aria-invalid", String(reason !== ""));
    return reason ? null : Number(text);
  };
  return { input, problem, element, read };
}

export function openSettingsDialog(context: ScreenContext): Modal {
  const clear = numberField(
    "settings-clear-seconds",
    "Clear the clipboard after (seconds)",
    "0 turns automatic clearing off; at most 600.",
    0,
    600,
    "seconds",
  );
  const age = numberField(
    "settings-age-days",
    "Mark a secret as old after (days without rotation)",
    "From 1 to 3650 days.",
    1,
    3650,
    "days",
  );
  const error = dialogError("settings-error");
  const save = h("button", { type: "submit", id: "settings-save", class: "primary" }, "Save");
  const cancel = button("Cancel", { id: "settings-cancel" }, () => modal.close());
  const form = h("form", { class: "modal-form", novalidate: true }, clear.element, age.element, error, actionsRow(cancel, save));

  const fill = (preferences: Preferences) => {
    clear.input.value = String(preferences.clipboardClearSeconds);
    age.input.value = String(preferences.ageWarningDays);
  };
  fill(context.preferences());

  const validate = () => {
    const seconds = clear.read();
    const days = age.read();
    save.disabled = seconds === null || days === null;
    return seconds === null || days === null ? null : { clipboardClearSeconds: seconds, ageWarningDays: days };
  };
  let edited = false;
  const onInput = () => {
    edited = true;
    validate();
  };
  clear.input.addEventListener("input", onInput);
  age.input.addEventListener("input", onInput);

  const modal = openModal({
    id: "settings-dialog",
    title: "Settings",
    content: [form],
    initialFocus: () => clear.input,
    fallbackFocus: () => context.fallbackFocus(),
  });

  // The saved values may be newer than what the screen had.
  call("get_preferences", {})
    .then((preferences) => {
      context.preferencesChanged(preferences);
      // Never overwrite what the user already typed.
      if (modal.closed || edited) return;
      fill(preferences);
      validate();
    })
    .catch((failure: IpcError) => {
      error.textContent = failure.message;
    });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const preferences = validate();
    if (!preferences) return;
    save.disabled = true;
    error.textContent = "";
    call("save_preferences", { preferences })
      .then((saved) => {
        context.preferencesChanged(saved);
        modal.close();
        announce("Settings saved.");
      })
      .catch((failure: IpcError) => {
        error.textContent = failure.message;
        save.disabled = false;
      });
  });

  return modal;
}
