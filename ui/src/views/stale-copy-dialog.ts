// "Copy stored token" for a copy that may be out of date (a rotate of it got no answer, or the
// list shows it rotated after the copy was stored): say why, and copy only if the user says so.

import type { SecretRow } from "../bindings";
import { actionsRow, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import type { ScreenContext } from "./context";

export function openStaleCopyDialog(context: ScreenContext, row: SecretRow, message: string, copyAnyway: () => void): Modal {
  const cancel = button("Don’t copy", { id: "stale-copy-cancel", class: "primary" }, () => modal.close());
  const copy = button("Copy anyway", { id: "stale-copy-anyway" }, () => {
    modal.close();
    copyAnyway();
  });
  const modal = openModal({
    id: "stale-copy-dialog",
    title: `The stored token for ${shownSecret(context.provider, row)} may be out of date`,
    role: "alertdialog",
    describedBy: "stale-copy-explain",
    content: [h("p", { id: "stale-copy-explain" }, message), actionsRow(copy, cancel)],
    initialFocus: () => cancel,
    fallbackFocus: () => context.fallbackFocus(row.id),
  });
  return modal;
}
