// "What depends on it": the webhooks in the user's repo that a secret signs, shown in the rotate
// and delete confirmations so the user knows what a click breaks. Read in the background; the
// dialog never waits for it.

import { call, type IpcError } from "../api";
import type { WebhookRow } from "../bindings";
import { h } from "../dom";

export function dependentsNote(id: string, did: string, name: string): HTMLElement {
  const note = h("div", { id, class: "dependents", "aria-live": "polite" }, "Checking which webhooks use it…");
  call("webhooks_using", { did, name })
    .then((webhooks) => note.replaceChildren(...describe(webhooks)))
    .catch((failure: IpcError) => {
      note.replaceChildren(`Could not check which webhooks use it: ${failure.message}`);
    });
  return note;
}

function describe(webhooks: WebhookRow[]): Node[] {
  if (webhooks.length === 0) {
    return [document.createTextNode("No webhook in your repository names this secret.")];
  }
  const count = webhooks.length === 1 ? "1 webhook uses it:" : `${webhooks.length} webhooks use it:`;
  const list = h(
    "ul",
    {},
    ...webhooks.map((webhook) =>
      h("li", {}, h("code", {}, webhook.url), webhook.enabled ? "" : " (disabled)"),
    ),
  );
  return [h("p", {}, h("strong", {}, count)), list];
}
