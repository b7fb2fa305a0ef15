// The signed-in screen: the account's signing secrets (a windowed list, filter-as-you-type), the
// account menu, settings, and the actions that open the create/rotate/delete/forget dialogs.
// Loading never blocks: the previous list stays usable while a refresh is out. What it offers and
// says about the provider comes from the provider's descriptor.

import { call, type IpcError } from "../api";
import type { AccountRef, AccountView, InFlight, Operation, Preferences, ProviderDescriptor, SecretRow } from "../bindings";
import { clipboard } from "../clipboard";
import { button, h, quoted } from "../dom";
import { allows } from "../providers";
import { confirmCuttingShort } from "../requests";
import { announce, statusLine } from "../status";
import { exactTime, grouped } from "../time";
import { accountMenu } from "./account-menu";
import { DEFAULT_PREFERENCES, type ScreenContext } from "./context";
import { openCreateDialog } from "./create-dialog";
import { openDeleteDialog } from "./delete-dialog";
import { openForgetDialog } from "./forget-dialog";
import { openRotateDialog } from "./rotate-dialog";
import { openStaleCopyDialog } from "./stale-copy-dialog";
import { openStagedDialog } from "./staged-dialog";
import { openStoreDialog } from "./store-dialog";
import { openUnknownDialog } from "./unknown-dialog";
import { openHistoryDialog } from "./history-dialog";
import { openReceiverDialog } from "./receiver-dialog";
import { openTesterDialog } from "./tester-dialog";
import { openMaxAgeDialog } from "./max-age-dialog";
import { checkOverdue, reminderBanner } from "./reminder-banner";
import { SecretList, type RowAction } from "./secret-list";
import { openSettingsDialog } from "./settings-dialog";

export interface SecretsActions {
  switchAccount(account: AccountRef): void;
  addAccount(): void;
  signOut(): Promise<void>;
  /** Signs in again asking for full access; resolves when done, rejects with an Error to show. */
  reauthorize(): Promise<void>;
  cancelReauthorize(): void;
}

/** "create and rotate", "list, create and delete". */
function wordList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

export function secretsView(
  account: AccountView,
  provider: ProviderDescriptor,
  accounts: readonly AccountView[],
  actions: SecretsActions,
  interrupted: readonly InFlight[] = [],
  /** The first list, when the caller asked for it already (see main.ts). */
  firstList?: Promise<SecretRow[]>,
): HTMLElement {
  const operations = provider.operations.filter((operation) => allows(provider, account, operation));
  const canCreate = operations.includes("create");
  let preferences: Preferences = { ...DEFAULT_PREFERENCES };
  let loaded = false;
  let loadSequence = 0;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;

  // ---- elements -------------------------------------------------------------------------------
  const list = new SecretList({
    ageWarningDays: preferences.ageWarningDays,
    onAction: (action, row) => rowAction(action, row),
    onLeaveTop: () => filter.focus(),
    operations,
    idLabel: provider.secretId.idIsName ? null : provider.secretId.label,
    // Only where the provider's descriptor offers it, and the sign-in may create the new secret.
    stagedRotation: provider.stagedRotation && operations.includes("create") && operations.includes("delete"),
    signsDeliveries: provider.deliverySignature !== null,
  });
  const filter = h("input", {
    id: "secrets-filter",
    type: "search",
    placeholder: "Filter by name",
    autocomplete: "off",
    spellcheck: "false",
    "aria-controls": "secrets-table",
    "aria-describedby": "secrets-count",
    "aria-keyshortcuts": "Control+F /",
  });
  const count = h("span", { id: "secrets-count", class: "count muted" });
  const refresh = button("Refresh", { id: "secrets-refresh", "aria-keyshortcuts": "F5" }, () => void load(true));
  const create = canCreate ? button("New secret", { id: "create-button", class: "primary" }, () => openCreateDialog(context)) : null;
  const settings = button("Settings", { id: "settings-button" }, () => openSettingsDialog(context));
  const history = button("History", { id: "history-button" }, () => openHistoryDialog());
  const tester = button("Check a signature…", { id: "tester-button" }, () => openTesterDialog(context, list.allRows()));
  const signOut = button("Sign out", { id: "signout-button" }, () => {
    signOut.disabled = true;
    confirmCuttingShort("Sign out")
      .then((go) => (go ? actions.signOut() : undefined))
      .finally(() => {
        signOut.disabled = false;
      });
  });
  const loadError = h("span", { id: "secrets-error" });
  const loadProblem = h(
    "div",
    { class: "load-problem", role: "alert", hidden: true },
    loadError,
    button("Try again", { id: "secrets-retry" }, () => void load(true)),
  );
  const body = h("div", { id: "secrets-body", class: "secrets-body", "aria-busy": "true" });
  const clipboardSlot = h("div", { class: "clipboard-slot" });
  const notice = capabilityNotice(account, provider, actions);
  const reminder = reminderBanner();
  const overdueFirst = h("input", { type: "checkbox", id: "overdue-first" });
  overdueFirst.addEventListener("change", () => list.setOverdueFirst(overdueFirst.checked));

  const screen = h(
    "section",
    { class: "screen secrets", "aria-labelledby": "secrets-title" },
    h(
      "header",
      { class: "topbar" },
      h("h1", { id: "secrets-title" }, "Signing secrets"),
      accountMenu(account, accounts, {
        switchTo: (ref) => void confirmCuttingShort("Switch accounts").then((go) => go && actions.switchAccount(ref)),
        add: actions.addAccount,
      }),
      history,
      settings,
      signOut,
    ),
    notice.element,
    reminder,
    h(
      "div",
      { class: "toolbar", role: "toolbar", "aria-label": "Secrets" },
      h("label", { for: "secrets-filter", class: "visually-hidden" }, "Filter secrets by name"),
      filter,
      count,
      h("span", { class: "spacer" }),
      h("label", { class: "inline-check" }, overdueFirst, " Overdue first"),
      tester,
      refresh,
      create,
    ),
    loadProblem,
    body,
    h("footer", { class: "statusbar" }, statusLine(), clipboardSlot),
  );
  clipboard().setHome(clipboardSlot);

  // ---- what the dialogs see -------------------------------------------------------------------
  const context: ScreenContext = {
    account,
    provider,
    reload: () => load(false),
    find: (id) => list.find(id),
    findNamed: (name) => list.findNamed(name),
    updateRow: (id, change) => list.updateRow(id, change),
    fallbackFocus: (id) => {
      if (id !== undefined && list.focusRow(id)) return document.activeElement as HTMLElement;
      if (list.total > 0 && list.focusActive()) return document.activeElement as HTMLElement;
      return document.getElementById("create-first") ?? create;
    },
    permissionMissing: (error) => notice.show(error.message),
    preferences: () => preferences,
    preferencesChanged: (next) => {
      preferences = next;
      list.setAgeWarningDays(next.ageWarningDays);
    },
  };

  // ---- loading --------------------------------------------------------------------------------
  function showCount() {
    const total = list.total;
    const matching = list.matching;
    count.textContent = !loaded
      ? ""
      : matching === total
        ? `${grouped(total)} ${total === 1 ? "secret" : "secrets"}`
        : `${grouped(matching)} of ${grouped(total)}`;
  }

  function showRows(rows: SecretRow[]) {
    loaded = true;
    list.setRows(rows);
    if (rows.length === 0) {
      body.replaceChildren(emptyState(provider, canCreate ? () => openCreateDialog(context) : null));
    } else if (!body.contains(list.element)) {
      body.replaceChildren(list.element);
      list.render();
    }
    showCount();
  }

  /** Loads the list; `announced` says the user asked (Refresh), so the outcome is announced. */
  async function load(announced: boolean): Promise<SecretRow[]> {
    const sequence = ++loadSequence;
    refresh.disabled = true;
    refresh.textContent = "Refreshing…";
    body.setAttribute("aria-busy", "true");
    if (!loaded) body.replaceChildren(h("p", { id: "secrets-loading", class: "muted loading" }, "Loading your signing secrets…"));
    try {
      const answer = firstList ?? call("list_secrets", { account: account.account });
      firstList = undefined;
      const rows = await answer;
      if (sequence === loadSequence) {
        loadProblem.hidden = true;
        showRows(rows);
        if (announced) announce(`List refreshed: ${grouped(rows.length)} ${rows.length === 1 ? "secret" : "secrets"}.`);
      }
      return rows;
    } catch (failure) {
      const error = failure as IpcError;
      if (sequence === loadSequence) {
        loadError.textContent = error.message;
        loadProblem.hidden = false;
        if (!loaded) body.replaceChildren();
        if (error.code === "permission_missing") notice.show(error.message);
      }
      throw error;
    } finally {
      if (sequence === loadSequence) {
        refresh.disabled = false;
        refresh.textContent = "Refresh";
        body.setAttribute("aria-busy", "false");
      }
    }
  }

  // ---- filter ---------------------------------------------------------------------------------
  filter.addEventListener("input", () => {
    const matching = list.setFilter(filter.value);
    showCount();
    // Announced once typing pauses, not per keystroke.
    clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      if (!filter.value.trim()) announce("");
      else announce(matching === 0 ? `No secret matches ${quoted(filter.value.trim())}.` : `${grouped(matching)} ${matching === 1 ? "secret matches" : "secrets match"}.`);
    }, 600);
  });
  filter.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && list.matching > 0) {
      event.preventDefault();
      list.focusActive();
    } else if (event.key === "Escape" && filter.value) {
      event.preventDefault();
      filter.value = "";
      filter.dispatchEvent(new Event("input"));
    }
  });

  // ---- row actions ----------------------------------------------------------------------------
  function rowAction(action: RowAction, row: SecretRow) {
    switch (action) {
      case "rotate":
        openRotateDialog(context, row);
        break;
      case "staged":
        openStagedDialog(context, row);
        break;
      case "delete":
        openDeleteDialog(context, row);
        break;
      case "forget":
        openForgetDialog(context, row);
        break;
      case "store":
        openStoreDialog(context, row);
        break;
      case "max-age":
        openMaxAgeDialog(context, row);
        break;
      case "test-receiver":
        openReceiverDialog(context, row);
        break;
      case "copy-stored":
        copyStored(row, false);
        break;
    }
  }

  /** A copy that may be out of date is copied only after the user read why and said so. */
  function copyStored(row: SecretRow, evenIfOutOfDate: boolean) {
    call("copy_stored_token", { account: account.account, secretId: row.id, evenIfOutOfDate })
      .then((copy) => clipboard().start(copy, `the stored token for ${row.name}`))
      .catch((error: IpcError) => {
        if (error.code === "stored_copy_may_be_stale") {
          openStaleCopyDialog(context, row, error.message, () => copyStored(row, true));
          return;
        }
        announce(error.message, "problem");
        if (error.code === "keychain_not_found") list.updateRow(row.id, { storedLocally: false });
      });
  }

  // ---- requests an earlier run never heard back about -----------------------------------------
  /** One outcome-unknown dialog at a time; each note goes once its dialog was seen and closed. */
  function tellInterrupted(queue: readonly InFlight[]) {
    const [request, ...rest] = queue;
    if (!request) return;
    const when = exactTime(request.startedAt);
    openUnknownDialog(
      context,
      {
        kind: request.operation === "create" ? "create" : request.operation === "delete" ? "delete" : "rotate",
        name: request.name,
        id: request.secretId,
        before: request.lastRotatedBefore,
        message: `Wispkey stopped (it was closed, crashed or was ended) while this request, sent ${when}, was waiting for its answer.`,
      },
      (row) => openRotateDialog(context, row),
      () => {
        call("dismiss_interrupted_request", { entry: request.entry }).catch(() => {});
        tellInterrupted(rest);
      },
    );
  }

  // ---- keyboard shortcuts (only while this screen is shown and no dialog is open) -------------
  const onKeydown = (event: KeyboardEvent) => {
    if (!screen.isConnected) {
      document.removeEventListener("keydown", onKeydown);
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if ((event.key === "f" && (event.ctrlKey || event.metaKey)) || (event.key === "/" && !typing)) {
      event.preventDefault();
      filter.focus();
      filter.select();
    } else if (event.key === "F5" || (event.key.toLowerCase() === "r" && (event.ctrlKey || event.metaKey))) {
      // Also keeps the webview from reloading the page.
      event.preventDefault();
      if (!refresh.disabled) void load(true);
    }
  };
  document.addEventListener("keydown", onKeydown);

  // ---- start ----------------------------------------------------------------------------------
  call("get_preferences", {})
    .then((saved) => context.preferencesChanged(saved))
    .catch(() => {}); // the defaults serve; Settings shows the error if it persists
  // The reminder summary lists every account: asked once this list is up, so it never
  // competes with it (it counts from its own copy of the list start-up fetched).
  load(false)
    .catch(() => {})
    .finally(() => {
      tellInterrupted(interrupted);
      checkOverdue(reminder);
    });

  return screen;
}

function emptyState(provider: ProviderDescriptor, create: (() => void) | null): HTMLElement {
  return h(
    "div",
    { id: "secrets-empty", class: "empty" },
    h("h2", { class: "empty-title" }, "No signing secrets yet"),
    h("p", { class: "muted" }, provider.words.listIntro),
    create && button("Create your first secret", { id: "create-first", class: "primary" }, create),
  );
}

/**
 * Says which of the provider's operations this sign-in lacks, and, where the provider's sign-in
 * can ask for more, offers to sign in again with full access.
 */
function capabilityNotice(account: AccountView, provider: ProviderDescriptor, actions: SecretsActions) {
  const missing: Operation[] = provider.operations.filter((operation) => !account.capabilities.includes(operation));
  const method = provider.signIn;
  const canReauthorize = method.kind === "oauth" && method.offersFullAccess;
  const text = h("p", { id: "capability-text" });
  const detail = h("p", { class: "muted small" });
  const reauthorize = button(
    "Re-authorize with full access",
    { id: "reauthorize-full-access", class: "primary", hidden: !canReauthorize },
    () => void start(),
  );
  const cancel = button("Cancel", { id: "reauthorize-cancel", hidden: true }, () => actions.cancelReauthorize());
  const status = h("p", { id: "reauthorize-status", class: "small", role: "status" });
  const element = h(
    "div",
    { id: "capability-notice", class: "notice", role: "region", "aria-labelledby": "capability-text", hidden: true },
    text,
    detail,
    h("div", { class: "notice-actions" }, reauthorize, cancel),
    status,
  );

  const show = (reason?: string) => {
    element.hidden = false;
    text.textContent =
      missing.length > 0
        ? `This sign-in does not let Wispkey ${wordList(missing)} signing secrets.`
        : (reason ?? `${provider.label} refused an action for lack of permission.`);
    if (reason && missing.length > 0) status.textContent = reason;
    // The provider explains what was granted and what re-authorizing asks for.
    detail.textContent = account.reauthorizeNote ?? "";
    detail.hidden = account.reauthorizeNote === null;
  };
  if (missing.length > 0) show();

  async function start() {
    reauthorize.disabled = true;
    reauthorize.textContent = "Waiting for your browser…";
    cancel.hidden = false;
    status.textContent = method.kind === "oauth" ? method.waiting : "";
    try {
      await actions.reauthorize();
      status.textContent = "";
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      reauthorize.disabled = false;
      reauthorize.textContent = "Re-authorize with full access";
      cancel.hidden = true;
    }
  }

  return { element, show };
}
