// Create: a name checked as it is typed against the provider's rule from its descriptor (saying
// why a name is refused), a name already in the list refused before any request when names are
// ids, secret_already_exists from the server shown in the same place. Success opens the
// copy-once dialog.

import { call, type IpcError } from "../api";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h, quoted } from "../dom";
import { checkSecretName } from "../names";
import type { ScreenContext } from "./context";
import { openRotateDialog } from "./rotate-dialog";
import { openTokenDialog } from "./token-dialog";
import { openUnknownDialog } from "./unknown-dialog";

const EXAMPLE = "deploy-hook";

export function openCreateDialog(context: ScreenContext): Modal {
  const account = context.account.account;
  const { provider } = context;
  // No rule: the provider checks the name itself (the server's refusal still shows inline).
  const rule = provider.nameRule;
  let busy = false;
  /** The server refused this exact name (exists, or invalid): keep saying so until it changes. */
  let refused: { name: string; message: string } | null = null;

  const input = h("input", {
    id: "create-name",
    type: "text",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    // Generous, so an over-long paste is shown as too long rather than silently cut.
    maxlength: rule ? String(rule.maxLength * 4) : undefined,
    "aria-describedby": rule ? "create-name-help create-name-problem" : "create-name-problem",
    // An example only where the provider's rule accepts it.
    placeholder: !rule || checkSecretName(EXAMPLE, rule).ok ? EXAMPLE : undefined,
  });
  const problem = h("p", { id: "create-name-problem", class: "field-error", "aria-live": "polite" });
  const count = h("span", { id: "create-name-count", class: "count", "aria-hidden": "true" });
  const error = dialogError("create-error");
  const submit = h("button", { type: "submit", id: "create-submit", class: "primary", disabled: true }, "Create");
  const cancel = button("Cancel", { id: "create-cancel" }, () => modal.close());

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    h("p", {}, provider.words.createIntro),
    h(
      "div",
      { class: "field" },
      h("div", { class: "label-row" }, h("label", { for: "create-name" }, "Name"), count),
      input,
      rule && h("p", { id: "create-name-help", class: "help" }, rule.help),
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
    if (rule) {
      const checked = checkSecretName(name, rule);
      if (!checked.ok) return checked.reason;
    }
    if (refused?.name === name) return refused.message;
    // Only where names are ids are they unique; elsewhere a second one of a name is fine.
    if (provider.secretId.idIsName && context.findNamed(name)) return `A secret named ${quoted(name)} already exists. Choose another name, or rotate that one.`;
    return "";
  }

  function validate() {
    const name = input.value;
    const reason = reasonFor(name);
    if (problem.textContent !== reason) problem.textContent = reason;
    input.setAttribute("aria-invalid", String(reason !== ""));
    if (rule) {
      const length = [...name].length;
      count.textContent = `${length}/${rule.maxLength}`;
      count.classList.toggle("over", length > rule.maxLength);
    }
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
      const issued = await call("create_secret", { account, name });
      modal.close();
      openTokenDialog(context, issued, "created");
      context.reload().catch(() => {});
    } catch (failure) {
      const ipc = failure as IpcError;
      if (ipc.code === "outcome_unknown") {
        modal.close();
        // Where ids are names the id is known without an answer; elsewhere the check finds it.
        const id = provider.secretId.idIsName ? name : null;
        openUnknownDialog(context, { kind: "create", id, name, before: null, message: ipc.message }, (row) =>
          openRotateDialog(context, row),
        );
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
