// The signed-in screen: the account's signing secrets, newest state from the server.

import type { Account, SecretRow } from "../bindings";
import { h } from "../dom";
import { exactTime, relativeTime } from "../time";

export interface SecretsActions {
  list(): Promise<SecretRow[]>;
  signOut(): Promise<void>;
}

function timeCell(iso: string | null): HTMLElement {
  if (!iso) return h("td", {}, h("span", { class: "muted" }, "never"));
  return h("td", {}, h("time", { datetime: iso, title: exactTime(iso) }, relativeTime(iso)));
}

export function secretsView(account: Account, actions: SecretsActions): HTMLElement {
  const body = h("div", { id: "secrets-body", class: "secrets-body", "aria-live": "polite" });
  const refresh = h("button", { type: "button", id: "refresh-button" }, "Refresh");
  const signOut = h("button", { type: "button", id: "signout-button" }, "Sign out");

  const load = () => {
    refresh.disabled = true;
    body.setAttribute("aria-busy", "true");
    body.replaceChildren(h("p", { id: "secrets-loading", class: "muted" }, "Loading your signing secrets…"));
    actions
      .list()
      .then((rows) => body.replaceChildren(rows.length ? table(rows) : emptyState()))
      .catch((error: { message?: string }) => {
        const retry = h("button", { type: "button", id: "secrets-retry" }, "Try again");
        retry.addEventListener("click", load);
        body.replaceChildren(
          h("div", { class: "problem", role: "alert" }, h("p", { id: "secrets-error" }, error.message ?? String(error)), retry),
        );
      })
      .finally(() => {
        refresh.disabled = false;
        body.setAttribute("aria-busy", "false");
      });
  };

  refresh.addEventListener("click", load);
  signOut.addEventListener("click", () => {
    signOut.disabled = true;
    actions.signOut().finally(() => {
      signOut.disabled = false;
    });
  });
  load();

  return h(
    "section",
    { class: "screen secrets", "aria-labelledby": "secrets-title" },
    h(
      "header",
      { class: "topbar" },
      h("h1", { id: "secrets-title" }, "Signing secrets"),
      h("span", { id: "account-name", class: "account", title: account.did }, account.handle ?? account.did),
      signOut,
    ),
    h("div", { class: "toolbar" }, refresh),
    body,
  );
}

function emptyState(): HTMLElement {
  return h(
    "div",
    { id: "secrets-empty", class: "empty" },
    h("p", { class: "empty-title" }, "No signing secrets yet"),
    h("p", { class: "muted" }, "This account has no wisp.place signing secrets."),
  );
}

function table(rows: SecretRow[]): HTMLElement {
  return h(
    "table",
    { id: "secrets-table", class: "secrets-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), h("th", { scope: "col" }, "Created"), h("th", { scope: "col" }, "Last rotated"))),
    h(
      "tbody",
      {},
      ...rows.map((row) =>
        h("tr", { "data-name": row.name }, h("th", { scope: "row" }, row.name), timeCell(row.createdAt), timeCell(row.lastRotatedAt)),
      ),
    ),
  );
}
