// The request went out but no usable answer came back (none at all, or one that could not be
// read or lacked the token: the sentence from Rust says which), so the secret's state is
// unknown. Say so honestly, explain what may already have happened, and offer safe next steps
// the user chooses: check the list (comparing lastRotatedAt with its value before the attempt),
// rotate again (through the normal confirmation), or close. Never retried automatically. "Rotate again" is a callback from
// the caller, so this module does not import the rotate dialog (which imports this one).

import type { IpcError } from "../api";
import type { SecretRow } from "../bindings";
import { actionsRow, openModal, type Modal } from "../dialog";
import { button, h, quoted } from "../dom";
import { allows, shownSecret } from "../providers";
import { exactTime } from "../time";
import type { ScreenContext } from "./context";

/** Opens the rotate confirmation for a row (the normal one: nothing is rotated without it). */
export type RotateAgain = (row: SecretRow) => void;

export interface UnknownOutcome {
  kind: "create" | "rotate" | "delete";
  name: string;
  /** The secret's id; null after a lost create where ids are not names (it never arrived). */
  id: string | null;
  /** lastRotatedAt before the attempt (rotate). */
  before: string | null;
  /** The sentence from the Rust side. */
  message: string;
}

export function openUnknownDialog(
  context: ScreenContext,
  outcome: UnknownOutcome,
  rotate: RotateAgain | null,
  onClosed?: () => void,
): Modal {
  const { kind, name, id } = outcome;
  const canRotate = rotate !== null && allows(context.provider, context.account, "rotate");
  /** The row this outcome is about, in rows from a load. */
  const same = (row: SecretRow) => (id !== null ? row.id === id : row.name === name);
  // After a lost create the id is unknown until the check finds the row by name.
  let found: SecretRow | undefined;
  const q = id === null ? quoted(name) : shownSecret(context.provider, { id, name });
  const result = h("div", { id: "unknown-result", class: "unknown-result", "aria-live": "polite" });
  const check = button("Check the list", { id: "unknown-check", class: "primary" }, () => void checkList());
  const rotateAgain = button(
    "Rotate again…",
    { id: "unknown-rotate-again", hidden: kind === "delete" || !canRotate || (kind === "create" && id === null) },
    () => {
      const row =
        found ?? (id !== null ? context.find(id) : undefined) ?? { id: id ?? name, name, createdAt: "", lastRotatedAt: outcome.before, storedLocally: false, facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false };
      modal.close();
      rotate?.(row);
    },
  );
  const close = button("Close", { id: "unknown-close" }, () => modal.close());

  const explain: Record<UnknownOutcome["kind"], string[]> = {
    rotate: [
      `Wispkey sent the request to rotate ${q}, but got no answer it could use, so it cannot tell whether the rotation happened.`,
      "If it did, the old token has already stopped working, and the new token never reached Wispkey: it is not in your keychain.",
      "Check the list: if the “last rotated” time changed, rotate again to get a token you can use.",
    ],
    create: [
      `Wispkey sent the request to create ${q}, but got no answer it could use, so it cannot tell whether the secret exists now.`,
      "If it was created, its token never reached Wispkey: it is not in your keychain.",
      `Check the list: if ${q} is there, rotate it to get a token you can use.`,
    ],
    delete: [
      `Wispkey sent the request to delete ${q}, but got no answer it could use, so it cannot tell whether it was deleted.`,
      "If it was, its token has already stopped working.",
      "Check the list to see whether it is still there.",
    ],
  };

  const modal = openModal({
    id: "unknown-dialog",
    title: kind === "rotate" ? `Did ${q} rotate?` : kind === "create" ? `Was ${q} created?` : `Was ${q} deleted?`,
    role: "alertdialog",
    describedBy: "unknown-explain",
    content: [
      h("div", { id: "unknown-explain" }, ...explain[kind].map((line) => h("p", {}, line))),
      // Which it was: no answer at all, or one that arrived but could not be used.
      h("p", { id: "unknown-what-came-back", class: "muted small" }, outcome.message),
      h("p", { class: "muted small" }, "Wispkey will not try again on its own."),
      result,
      actionsRow(close, rotateAgain, check),
    ],
    initialFocus: () => check,
    fallbackFocus: () => context.fallbackFocus(id ?? undefined),
    onClosed: () => onClosed?.(),
  });

  async function checkList() {
    check.disabled = true;
    check.textContent = "Checking…";
    result.dataset.outcome = "checking";
    result.textContent = "Loading the list from the server…";
    try {
      const rows = await context.reload();
      found = rows.find(same);
      showResult(found);
    } catch (failure) {
      result.dataset.outcome = "error";
      result.textContent = (failure as IpcError).message;
    } finally {
      check.disabled = false;
      check.textContent = "Check again";
    }
  }

  function showResult(row: SecretRow | undefined) {
    const when = (iso: string | null) => (iso ? exactTime(iso) : "never");
    const lines: string[] = [];
    let state: string;
    if (kind === "rotate") {
      if (!row) {
        state = "missing";
        lines.push(`${q} is no longer in the list.`);
      } else if (row.lastRotatedNote) {
        // The provider's list never says when a secret was rotated: no comparison can tell.
        state = "unreported";
        lines.push(
          row.lastRotatedNote,
          "So the list cannot tell whether this rotate happened. Rotate again to be sure you hold a working secret.",
        );
      } else {
        lines.push(`Last rotated before the attempt: ${when(outcome.before)}.`, `Last rotated now: ${when(row.lastRotatedAt)}.`);
        if (row.lastRotatedAt !== outcome.before) {
          state = "changed";
          lines.push("It was rotated: the old token no longer works, and the new one was lost. Rotate again to get a token you can use.");
        } else {
          state = "unchanged";
          lines.push("It was not rotated: the current token still works.");
        }
      }
    } else if (kind === "create") {
      state = row ? "exists" : "missing";
      lines.push(
        row
          ? `${q} exists (created ${when(row.createdAt)}), but its token was lost. Rotate it to get a token you can use.`
          : `${q} is not in the list: it was not created. You can create it again.`,
      );
    } else {
      state = row ? "exists" : "missing";
      lines.push(row ? `${q} is still there: it was not deleted, and its token still works.` : `${q} is gone: it was deleted.`);
    }
    result.dataset.outcome = state;
    result.replaceChildren(...lines.map((line) => h("p", {}, line)));
    rotateAgain.hidden = !canRotate || kind === "delete" || !row;
  }

  return modal;
}

/** Where a rotate or delete confirmation shows a failure. */
export interface ConfirmationFailure {
  modal: Modal;
  /** The confirmation's error line. */
  error: HTMLElement;
  /** Makes the confirmation usable again, for another try. */
  reopen(): void;
}

/**
 * After a rotate or delete failed: a lost answer closes the confirmation and opens the "outcome
 * unknown" dialog; any other failure is shown in the confirmation, which stays for another try.
 */
export function showConfirmationFailure(
  context: ScreenContext,
  failure: unknown,
  outcome: Omit<UnknownOutcome, "message">,
  confirmation: ConfirmationFailure,
  rotate: RotateAgain | null,
) {
  const ipc = failure as IpcError;
  if (ipc.code === "outcome_unknown") {
    confirmation.modal.close();
    openUnknownDialog(context, { ...outcome, message: ipc.message }, rotate);
    return;
  }
  if (ipc.code === "permission_missing") context.permissionMissing(ipc);
  confirmation.error.textContent = ipc.message;
  confirmation.reopen();
}

