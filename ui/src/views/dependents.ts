// "What depends on it": what a secret signs (webhooks, for a provider that can say), shown in the
// rotate and delete confirmations so the user knows what a click breaks. Read in the background;
// the dialog never waits for it. Providers that cannot say get no note at all.

import { call, type IpcError } from "../api";
import type { Dependent, SecretRow } from "../bindings";
import { h } from "../dom";
import type { ScreenContext } from "./context";

export function dependentsNote(id: string, context: ScreenContext, row: SecretRow): HTMLElement | null {
  const noun = context.provider.words.dependentsNoun;
  if (noun === null) return null;
  const note = h("div", { id, class: "dependents", "aria-live": "polite" }, `Checking which ${noun} use it…`);
  call("secret_dependents", { account: context.account.account, secretId: row.id })
    .then((dependents) => note.replaceChildren(...describe(dependents, noun)))
    .catch((failure: IpcError) => {
      note.replaceChildren(`Could not check which ${noun} use it: ${failure.message}`);
    });
  return note;
}

function describe(dependents: Dependent[], noun: string): Node[] {
  if (dependents.length === 0) {
    return [document.createTextNode(`No ${noun} name this secret.`)];
  }
  // The noun is plural ("webhooks"); "1 of your webhooks" avoids guessing its singular.
  const count = dependents.length === 1 ? `1 of your ${noun} uses it:` : `${dependents.length} ${noun} use it:`;
  const list = h(
    "ul",
    {},
    ...dependents.map((dependent) =>
      h("li", {}, h("code", {}, dependent.url), dependent.enabled ? "" : " (disabled)"),
    ),
  );
  return [h("p", {}, h("strong", {}, count)), list];
}
