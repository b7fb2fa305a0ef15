// "Type the secret's name to confirm": the field, and a submit button that stays disabled until
// the typed text is exactly the name (no trimming, no case folding: the confirmation is literal).

import { h } from "../dom";

export interface ConfirmNameField {
  label: HTMLElement;
  input: HTMLInputElement;
  matches(): boolean;
}

export function confirmNameField(id: string, name: string, submit: HTMLButtonElement): ConfirmNameField {
  const input = h("input", {
    id,
    type: "text",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    "aria-describedby": `${id}-hint`,
  });
  const label = h(
    "div",
    { class: "field" },
    h("label", { for: id }, "Type ", h("code", { class: "secret-name" }, name), " to confirm"),
    input,
    h("p", { id: `${id}-hint`, class: "help" }, "The button unlocks when the name matches exactly."),
  );
  const matches = () => input.value === name;
  const update = () => {
    submit.disabled = !matches();
  };
  input.addEventListener("input", update);
  update();
  return { label, input, matches };
}
