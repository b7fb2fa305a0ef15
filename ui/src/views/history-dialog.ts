// The local history: what Wispkey did on this computer (never a secret value), newest first,
// filterable, exportable as CSV, and checkable: each entry is chained to the one before by a
// hash, so an edited, removed or reordered line is found.

import { call, type IpcError } from "../api";
import type { HistoryEntry, HistoryFilter, HistoryOperation, HistoryOutcome } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";

const OPERATIONS: HistoryOperation[] = [
  "sign_in",
  "sign_out",
  "create",
  "rotate",
  "delete",
  "store_pasted",
  "copy_stored",
  "forget",
  "receiver_test",
  "webhook_switch",
];
const OUTCOMES: HistoryOutcome[] = ["succeeded", "failed", "unknown"];

export function words(value: string): string {
  return value.replace(/_/g, " ");
}

export function openHistoryDialog(): Modal {
  const operation = h("select", { id: "history-operation" }, h("option", { value: "" }, "Any operation"));
  for (const value of OPERATIONS) operation.append(h("option", { value }, words(value)));
  const outcome = h("select", { id: "history-outcome" }, h("option", { value: "" }, "Any outcome"));
  for (const value of OUTCOMES) outcome.append(h("option", { value }, value));
  const text = h("input", { id: "history-text", type: "search", placeholder: "Filter by account, secret, note…", spellcheck: "false" });
  const table = h("tbody", { id: "history-rows" });
  const count = h("p", { id: "history-count", class: "muted", role: "status", "aria-live": "polite" });
  const integrity = h("p", { id: "history-integrity", role: "status" });
  const error = dialogError("history-error");

  const filter = (): HistoryFilter => ({
    provider: null,
    account: null,
    secretId: null,
    operation: (operation.value || null) as HistoryOperation | null,
    outcome: (outcome.value || null) as HistoryOutcome | null,
    since: null,
    text: text.value.trim() || null,
  });

  const verify = button("Check integrity", { id: "history-verify" }, () => {
    call("verify_history", {})
      .then((check) => {
        integrity.textContent = check.firstBroken
          ? `The history was changed: line ${check.firstBroken.line} is the first broken link — ${check.firstBroken.reason}`
          : `Intact: ${check.intactEntries} entries, each linked to the one before.`;
        integrity.className = check.firstBroken ? "field-error" : "";
      })
      .catch((failure: IpcError) => (error.textContent = failure.message));
  });
  const exportCsv = button("Export CSV", { id: "history-export" }, () => {
    call("export_history_csv", { filter: filter() })
      .then((path) => (integrity.textContent = `Exported to ${path}.`))
      .catch((failure: IpcError) => (error.textContent = failure.message));
  });
  const close = button("Close", { id: "history-close" }, () => modal.close());

  const content = [
    h("p", { id: "history-explain" }, "What Wispkey did on this computer. Secret values are never recorded."),
    h(
      "div",
      { class: "toolbar history-filters", role: "group", "aria-label": "Filter the history" },
      h("label", { for: "history-operation", class: "visually-hidden" }, "Operation"),
      operation,
      h("label", { for: "history-outcome", class: "visually-hidden" }, "Outcome"),
      outcome,
      h("label", { for: "history-text", class: "visually-hidden" }, "Text"),
      text,
    ),
    count,
    h(
      "div",
      { class: "history-scroll" },
      h(
        "table",
        { class: "history-table", "aria-describedby": "history-count" },
        h(
          "thead",
          {},
          h("tr", {}, ...["Time", "Operation", "Outcome", "Provider", "Account", "Secret", "Note"].map((name) => h("th", { scope: "col" }, name))),
        ),
        table,
      ),
    ),
    integrity,
    error,
    actionsRow(verify, exportCsv, close),
  ];

  const modal = openModal({ id: "history-dialog", title: "History", describedBy: "history-explain", content, initialFocus: () => operation });

  async function load() {
    try {
      const entries = await call("history_entries", { filter: filter() });
      table.replaceChildren(...entries.map(entryRow));
      count.textContent = entries.length === 1 ? "1 entry" : `${entries.length} entries`;
      error.textContent = "";
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
    }
  }
  operation.addEventListener("change", () => void load());
  outcome.addEventListener("change", () => void load());
  text.addEventListener("input", () => void load());
  void load();
  return modal;
}

function entryRow(entry: HistoryEntry): HTMLElement {
  const time = new Date(entry.time);
  const outcome = entry.code ? `${entry.outcome} (${words(entry.code)})` : entry.outcome;
  return h(
    "tr",
    { class: `history-${entry.outcome}`, "data-seq": String(entry.seq) },
    h("td", { title: entry.time }, Number.isNaN(time.getTime()) ? entry.time : time.toLocaleString()),
    h("td", {}, words(entry.operation)),
    h("td", {}, outcome),
    h("td", {}, entry.provider),
    h("td", { class: "history-account", title: entry.account }, entry.account),
    h("td", {}, entry.secretId ?? ""),
    h("td", {}, entry.note ?? ""),
  );
}
