// Test the receiver: one clearly marked test delivery, signed with the secret's stored token in
// its provider's scheme, to a URL the user confirms (prefilled where the provider knows one).
// One request per click, never automatic; the answer's status and time are shown.

import { call, type IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import type { ScreenContext } from "./context";

export function openReceiverDialog(context: ScreenContext, row: Pick<SecretRow, "id" | "name">): Modal {
  const account = context.account.account;
  const shown = shownSecret(context.provider, row);
  let busy = false;

  const url = h("input", {
    id: "receiver-url",
    type: "url",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "https://your-receiver.example/webhook",
    "aria-describedby": "receiver-explain receiver-error",
  });
  const suggestions = h("datalist", { id: "receiver-suggestions" });
  url.setAttribute("list", "receiver-suggestions");
  const explain = h(
    "p",
    { id: "receiver-explain" },
    `Sends ONE test delivery for ${shown}, signed with the token stored in your keychain, to the address below. Its body says "type": "wispkey.test" and it carries the header X-Wispkey-Test: 1. https only (http only to this computer).`,
  );
  const result = h("p", { id: "receiver-result", role: "status", "aria-live": "polite" });
  const error = dialogError("receiver-error");
  const close = button("Close", { id: "receiver-close" }, () => modal.close());
  const send = h("button", { type: "submit", id: "receiver-send", class: "primary", disabled: true }, "Send one test delivery");

  const form = h(
    "form",
    { class: "modal-form", novalidate: true },
    explain,
    h("div", { class: "field" }, h("label", { for: "receiver-url" }, "Receiver URL"), url, suggestions),
    error,
    result,
    actionsRow(close, send),
  );

  const modal = openModal({
    id: "receiver-dialog",
    title: `Test the receiver of ${shown}`,
    describedBy: "receiver-explain",
    content: [form],
    initialFocus: () => url,
    fallbackFocus: () => context.fallbackFocus(row.id),
    onEscape: () => {
      if (!busy) modal.close();
    },
  });

  void call("receiver_test_plan", { account, secretId: row.id })
    .then((plan) => {
      if (plan.scheme === null) {
        error.textContent = `${context.provider.label} does not document how it signs deliveries, so no test delivery can be signed for it.`;
        return;
      }
      if (!plan.storedLocally) {
        error.textContent = "No token for this secret is stored in this computer’s keychain, so there is nothing to sign with. Store it first.";
        return;
      }
      for (const known of plan.suggestedUrls) suggestions.append(h("option", { value: known }));
      if (!url.value && plan.suggestedUrls[0]) url.value = plan.suggestedUrls[0];
      send.disabled = false;
    })
    .catch((failure: IpcError) => {
      error.textContent = failure.message;
    });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy || send.disabled) return;
    void sendOnce();
  });

  async function sendOnce() {
    busy = true;
    send.disabled = true;
    send.textContent = "Sending…";
    error.textContent = "";
    result.textContent = "";
    try {
      const answer = await call("test_receiver", { account, secretId: row.id, url: url.value.trim() });
      result.textContent = answer.accepted
        ? `HTTP ${answer.status} in ${answer.elapsedMs} ms: the receiver accepted the test delivery.`
        : `HTTP ${answer.status} in ${answer.elapsedMs} ms: the receiver refused it — it may still hold the old secret.`;
      result.className = answer.accepted ? "receiver-ok" : "receiver-refused";
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
    } finally {
      busy = false;
      send.disabled = false;
      send.textContent = "Send one test delivery";
    }
  }

  return modal;
}
