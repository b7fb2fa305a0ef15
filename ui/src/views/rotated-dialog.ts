// The rotation happened but its answer carried no secret: the old secret is dead and Wispkey has
// no new one to show or keep. Say so plainly, and offer to store the new secret once the user has
// it from the provider's own dashboard.

import type { SecretRow } from "../bindings";
import { actionsRow, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import type { ScreenContext } from "./context";
import { openStoreDialog } from "./store-dialog";

export function openRotatedWithoutSecretDialog(
  context: ScreenContext,
  row: Pick<SecretRow, "id" | "name">,
  message: string,
): Modal {
  const shown = shownSecret(context.provider, row);
  const close = button("Close", { id: "rotated-close" }, () => modal.close());
  const store = button("Store a secret rotated elsewhere", { id: "rotated-store", class: "primary" }, () => {
    modal.close();
    openStoreDialog(context, row);
  });

  const modal = openModal({
    id: "rotated-dialog",
    title: `${shown} was rotated, but no new secret came back`,
    role: "alertdialog",
    describedBy: "rotated-explain",
    content: [
      h(
        "div",
        { id: "rotated-explain" },
        h("p", { class: "danger-line" }, h("strong", {}, "The rotation happened: the old secret no longer works.")),
        h(
          "p",
          {},
          `Anything that verifies webhooks with the old secret will reject them. ${context.provider.label}’s answer carried no new secret, so Wispkey has none to show or keep.`,
        ),
        h(
          "p",
          {},
          `Get the new secret from ${context.provider.label}’s own dashboard, then store it here so this computer keeps a copy.`,
        ),
      ),
      h("p", { class: "muted small" }, message),
      actionsRow(close, store),
    ],
    initialFocus: () => store,
    fallbackFocus: () => context.fallbackFocus(row.id),
  });
  return modal;
}
