// The signature tester: paste a delivery (a whole raw HTTP request, or its headers and raw body),
// pick the scheme and a secret — one stored in the keychain (never shown: Rust reads it) or one
// pasted into a password field — and read whether it verifies, or exactly what fails and why.
// Checking sends nothing anywhere; the pasted secret leaves the page with the dialog.

import { call, type IpcError } from "../api";
import type { SignatureReport, SignatureScheme, SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import type { ScreenContext } from "./context";

export function openTesterDialog(context: ScreenContext, rows: readonly SecretRow[], preselect?: string): Modal {
  const account = context.account.account;
  const stored = rows.filter((row) => row.storedLocally);
  let busy = false;

  // The labels come from Rust; the account's provider's scheme is chosen first.
  const scheme = h("select", { id: "tester-scheme", "aria-busy": "true" });
  void call("signature_schemes", {}).then((choices) => {
    for (const choice of choices) {
      scheme.append(h("option", { value: choice.scheme, selected: choice.scheme === context.provider.deliverySignature }, choice.label));
    }
    scheme.removeAttribute("aria-busy");
  });

  const wholeRequest = h("input", { type: "radio", name: "tester-shape", id: "tester-shape-raw", value: "raw", checked: true });
  const parts = h("input", { type: "radio", name: "tester-shape", id: "tester-shape-parts", value: "parts" });
  const raw = h("textarea", {
    id: "tester-raw",
    rows: "8",
    spellcheck: "false",
    placeholder: "POST /hook HTTP/1.1\nX-Webhook-Signature: sha256=…\n\n{\"event\":…}",
  });
  const headers = h("textarea", { id: "tester-headers", rows: "4", spellcheck: "false", placeholder: "Name: value, one a line" });
  const body = h("textarea", { id: "tester-body", rows: "5", spellcheck: "false", placeholder: "The raw body, exactly as received" });
  const rawField = h("div", { class: "field" }, h("label", { for: "tester-raw" }, "Raw HTTP request"), raw);
  const partsFields = h(
    "div",
    { hidden: true },
    h("div", { class: "field" }, h("label", { for: "tester-headers" }, "Headers"), headers),
    h("div", { class: "field" }, h("label", { for: "tester-body" }, "Body"), body),
  );
  const shapeChanged = () => {
    rawField.hidden = !wholeRequest.checked;
    partsFields.hidden = wholeRequest.checked;
  };
  wholeRequest.addEventListener("change", shapeChanged);
  parts.addEventListener("change", shapeChanged);

  const useStored = h("input", { type: "radio", name: "tester-secret", id: "tester-secret-stored", value: "stored", checked: stored.length > 0, disabled: stored.length === 0 });
  const usePasted = h("input", { type: "radio", name: "tester-secret", id: "tester-secret-pasted", value: "pasted", checked: stored.length === 0 });
  const storedChoice = h("select", { id: "tester-stored", "aria-label": "Stored secret", disabled: stored.length === 0 });
  for (const row of stored) {
    storedChoice.append(h("option", { value: row.id, selected: row.id === preselect }, row.id === row.name ? row.name : `${row.name} (${row.id})`));
  }
  const pasted = h("input", {
    id: "tester-pasted",
    type: "password",
    class: "token-value",
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": "Pasted secret",
  });
  const secretChanged = () => {
    storedChoice.disabled = !useStored.checked;
    pasted.disabled = !usePasted.checked;
  };
  useStored.addEventListener("change", secretChanged);
  usePasted.addEventListener("change", secretChanged);
  secretChanged();

  const result = h("div", { id: "tester-result", class: "tester-result", role: "status", "aria-live": "polite" });
  const error = dialogError("tester-error");
  const close = button("Close", { id: "tester-close" }, () => modal.close());
  const check = h("button", { type: "submit", id: "tester-check", class: "primary" }, "Check signature");

  const form = h(
    "form",
    { class: "modal-form tester", novalidate: true },
    h("p", { id: "tester-explain" }, "Paste a delivery your receiver got and check it against a secret. Nothing is sent anywhere."),
    h("div", { class: "field" }, h("label", { for: "tester-scheme" }, "Signing scheme"), scheme),
    h(
      "fieldset",
      { class: "choice" },
      h("legend", {}, "Delivery"),
      h("label", {}, wholeRequest, " Whole raw request"),
      h("label", {}, parts, " Headers and body"),
    ),
    rawField,
    partsFields,
    h(
      "fieldset",
      { class: "choice" },
      h("legend", {}, "Secret"),
      h("label", {}, useStored, " Stored in the keychain (not shown) "),
      storedChoice,
      h("label", {}, usePasted, " Paste one "),
      pasted,
    ),
    error,
    result,
    actionsRow(close, check),
  );

  const modal = openModal({
    id: "tester-dialog",
    title: "Check a delivery’s signature",
    describedBy: "tester-explain",
    content: [form],
    initialFocus: () => raw,
    onEscape: () => {
      if (!busy) modal.close();
    },
    onClosed: () => {
      pasted.value = "";
    },
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!busy) void run();
  });

  async function run() {
    error.textContent = "";
    result.replaceChildren();
    const secretValue = pasted.value.trim();
    if (usePasted.checked && !secretValue) {
      error.textContent = "Paste the secret to check with, or choose a stored one.";
      pasted.focus();
      return;
    }
    busy = true;
    check.disabled = true;
    try {
      const report = await call("verify_delivery", {
        scheme: scheme.value as SignatureScheme,
        rawRequest: wholeRequest.checked ? raw.value : null,
        headers: headers.value,
        body: body.value,
        account: useStored.checked ? account : null,
        secretId: useStored.checked ? storedChoice.value : null,
        pastedSecret: usePasted.checked ? secretValue : null,
      });
      showReport(result, report);
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
    } finally {
      busy = false;
      check.disabled = false;
    }
  }

  return modal;
}

/** The verdict: a headline, then one line per failure and per likely cause. */
export function showReport(into: HTMLElement, report: SignatureReport): void {
  into.classList.toggle("valid", report.valid);
  into.classList.toggle("invalid", !report.valid);
  const headline = report.valid
    ? "Valid: this delivery is signed with this secret."
    : report.signatureMatches
      ? "The signature matches, but the delivery would still be rejected:"
      : "Not valid:";
  into.replaceChildren(
    h("p", { class: "tester-headline" }, headline),
    ...(report.sentences.length ? [h("ul", {}, ...report.sentences.map((sentence) => h("li", {}, sentence)))] : []),
  );
}
