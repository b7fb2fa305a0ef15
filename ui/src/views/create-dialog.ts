// Create: a name checked as it is typed against the server's rule (saying why a name is refused),
// a name already in the list refused before any request, secret_already_exists from the server
// shown in the same place. Success opens the copy-once dialog.

import { call, type IpcError } from "../api";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h, quoted } from "../dom";
import { checkSecretName, NAME_MAX } from "../names";
import type { ScreenContext } from "./context";
import { openTokenDialog } from "./token-dialog";
import { openUnknownDialog } from "./unknown-dialog";

export function openCreateDialog(context: ScreenContext): Modal {
  const { did } = context.account;
  let busy = false;
  /** The server refused this exact name (exists, or invalid): keep saying so until it changes. */
  let refused: { name: string; message: string } | null = null;

  const input = h("input", {
    id: "create-name",
    type: "text",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    maxlength: String(NAME_MAX * 4),
    "aria-describedby": "create-name-help create-name-problem",
    placeholder: "deploy-hook",
  });
  const problem = h("p", { id: "create-name-problem", class: "field-error", "aria-live": "polite" });
  const count = h("span", { id: "create-name-count", class: "count", "aria-hidden": "true" });
  const error = dialogError("create-error");
  const submit = h("button", { type: "submit", id: "create-submit", class: "primary", disabled: true }, "Create");
  const cancel = button("Cancel", { id: "create-cancel" }, () => modal.close());

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h("p", {}, "A new webhook signing secret on wisp.place. Its token is saved in this computer’s keychain and then shown once."),
    h(
      "div",
      { class: "field" },
      h("div", { class: "label-row" }, h("label", { for: "create-name" }, "Name"), count),
      input,
      h("p", { id: "create-name-help", class: "help" }, `Letters A–Z, digits, dot (.), dash (-) and underscore (_); up to ${NAME_MAX}.`),
      problem,
    ),
    error,
    actionsRow(cancel, submit),
  );

  const modal = openModal({
    id: "create-dialog",
    title: "New signing secret",
    content: [form],
    initialFocus: () => input,
    fallbackFocus: () => context.fallbackFocus(),
    onEscape: () => {
      if (!busy) modal.close();
    },
  });

  /** The reason the current name cannot be submitted, or "" when it can. */
  function reasonFor(name: string): string {
    if (name === "") return "";
    const checked = checkSecretName(name);
    if (!checked.ok) return checked.reason;
    if (refused?.name === name) return refused.message;
    if (context.find(name)) return `A secret named ${quoted(name)} already exists. Choose another name, or rotate that one.`;
    return "";
  }

  function validate() {
    const name = input.value;
    const reason = reasonFor(name);
    if (problem.textContent !== reason) problem.textContent = reason;
    input.setAttribute("aria-invalid", String(reason !== ""));
    const length = [...name].length;
    count.textContent = `${length}/${NAME_MAX}`;
    count.classList.toggle("over", length > NAME_MAX);
    submit.disabled = busy || name === "" || reason !== "";
  }

  input.addEventListener("input", () => {
    error.textContent = "";
    validate();
  });
  validate();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    validate();
    if (busy || submit.disabled) return;
    void create(input.value);
  });

  async function create(name: string) {
    setBusy(true);
    error.textContent = "";
    try {
      const issued = await call("create_secret", { did, name });
      modal.close();
      openTokenDialog(context, issued, "created");
      context.reload().catch(() => {});
    } catch (failure) {
      const ipc = failure as IpcError;
      if (ipc.code === "outcome_unknown") {
        modal.close();
        openUnknownDialog(context, { kind: "create", name, before: null, message: ipc.message });
        return;
      }
      setBusy(false);
      if (ipc.code === "secret_already_exists" || ipc.code === "invalid_secret_name") {
        refused = { name, message: ipc.message };
        validate();
      } else {
        if (ipc.code === "permission_missing") context.permissionMissing(ipc);
        error.textContent = ipc.message;
      }
      input.focus();
    }
  }

  function setBusy(value: boolean) {
    busy = value;
    submit.textContent = value ? "Creating…" : "Create";
    input.readOnly = value;
    cancel.disabled = value;
    form.setAttribute("aria-busy", String(value));
    validate();
  }

  return modal;
}
