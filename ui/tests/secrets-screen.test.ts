import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountView, ProviderDescriptor, SecretRow } from "../src/bindings";
import { clipboard } from "../src/clipboard";
import { secretsView, type SecretsActions } from "../src/views/secrets";
import { $, account, aliceRef, calls, flush, installFakeIpc, on, press, rotateOnly, rowAction, rowActions, secret, type, wisp } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function actions(): SecretsActions & { [K in keyof SecretsActions]: ReturnType<typeof vi.fn> } {
  return {
    switchAccount: vi.fn(),
    addAccount: vi.fn(),
    signOut: vi.fn(async () => {}),
    reauthorize: vi.fn(async () => {}),
    cancelReauthorize: vi.fn(),
  };
}

function mount(
  rows: SecretRow[] | (() => Promise<SecretRow[]>),
  who: AccountView = account,
  all: AccountView[] = [who],
  provider: ProviderDescriptor = wisp,
) {
  on("get_preferences", () => ({ clipboardClearSeconds: 30, ageWarningDays: 90 }));
  on("list_secrets", typeof rows === "function" ? rows : () => rows);
  const spy = actions();
  document.body.replaceChildren(secretsView(who, provider, all, spy));
  return spy;
}

describe("secrets screen", () => {
  beforeEach(() => {
    document.body.replaceChildren();
    installFakeIpc();
    clipboard().reset();
  });

  it("shows the handle of the current account", () => {
    mount([]);
    expect($("#account-name").textContent).toBe("alice.test");
  });

  it("an empty account invites creating the first secret", async () => {
    mount([]);
    await flush();
    expect($("#secrets-empty").textContent).toContain("No signing secrets yet");
    $("#create-first").click();
    expect($("#create-dialog").hasAttribute("open")).toBe(true);
  });

  it("loading never blocks: the toolbar works while the list is on its way", () => {
    mount(() => new Promise(() => {}));
    expect($("#secrets-loading").textContent).toMatch(/Loading/);
    expect(($("#secrets-filter") as HTMLInputElement).disabled).toBe(false);
    $("#create-button").click();
    expect($("#create-dialog").hasAttribute("open")).toBe(true);
  });

  it("a refresh keeps the current list on screen", async () => {
    let answer: (rows: SecretRow[]) => void = () => {};
    let first = true;
    mount(() => {
      if (first) {
        first = false;
        return Promise.resolve([secret("a")]);
      }
      return new Promise((resolve) => (answer = resolve));
    });
    await flush();
    $("#secrets-refresh").click();
    expect(document.querySelector('[data-secret="a"]')).not.toBeNull();
    expect($("#secrets-refresh").textContent).toBe("Refreshing…");
    answer([secret("a"), secret("b")]);
    await flush();
    expect(document.querySelector('[data-secret="b"]')).not.toBeNull();
    expect($("#status").textContent).toBe("List refreshed: 2 secrets.");
  });

  it("shows a failed load as the Rust side's sentence, with Try again", async () => {
    mount(() => Promise.reject({ code: "service_unreachable", message: "wisp.place could not be reached." }));
    await flush();
    expect($("#secrets-error").textContent).toBe("wisp.place could not be reached.");
    on("list_secrets", () => [secret("back")]);
    $("#secrets-retry").click();
    await flush();
    expect(document.querySelector('[data-secret="back"]')).not.toBeNull();
    expect($("#secrets-error").closest("[hidden]")).not.toBeNull();
  });

  it("marks stored tokens and old secrets", async () => {
    const old = new Date(Date.now() - 200 * 86_400_000).toISOString();
    const recent = new Date(Date.now() - 5 * 86_400_000).toISOString();
    mount([
      secret("kept", { storedLocally: true, createdAt: recent }),
      secret("stale", { createdAt: old }),
      secret("rotated", { createdAt: old, lastRotatedAt: recent }),
    ]);
    await flush();
    const row = (name: string) => $(`[data-secret="${name}"]`);
    expect(row("kept").querySelector(".badge-stored")).not.toBeNull();
    expect(row("kept").querySelector('[data-action="copy-stored"]')).not.toBeNull();
    expect(rowActions("kept")).toContain("forget");
    expect(row("stale").querySelector(".badge-stored")).toBeNull();
    expect(row("stale").querySelector('[data-action="copy-stored"]')).toBeNull();
    expect(row("stale").querySelector(".badge-old")?.textContent).toBe("Overdue 200 d");
    // Age counts from the last rotation when there is one.
    expect(row("rotated").querySelector(".badge-old")).toBeNull();
    expect(row("kept").querySelector("time")?.getAttribute("title")).toMatch(/\d{4}/);
  });

  it("age warning follows the setting", async () => {
    const created = new Date(Date.now() - 40 * 86_400_000).toISOString();
    on("get_preferences", () => ({ clipboardClearSeconds: 30, ageWarningDays: 30 }));
    on("list_secrets", () => [secret("a", { createdAt: created })]);
    document.body.replaceChildren(secretsView(account, wisp, [account], actions()));
    await flush();
    expect(document.querySelector('[data-secret="a"] .badge-old')).not.toBeNull();
  });

  it("filter narrows the list and says how many match", async () => {
    mount([secret("alpha"), secret("beta"), secret("alphabet")]);
    await flush();
    type("#secrets-filter", "ALPHA");
    expect([...document.querySelectorAll("[data-secret]")].map((row) => row.getAttribute("data-secret"))).toEqual([
      "alpha",
      "alphabet",
    ]);
    expect($("#secrets-count").textContent).toBe("2 of 3");
    type("#secrets-filter", "zzz");
    expect($("#secrets-no-match").hidden).toBe(false);
  });

  it("row buttons open their dialogs", async () => {
    mount([secret("a", { storedLocally: true })]);
    await flush();
    $('[data-secret="a"] [data-action="rotate"]').click();
    expect($("#rotate-dialog").hasAttribute("open")).toBe(true);
    press($("#rotate-dialog"), "Escape");
    rowAction("a", "delete").click();
    expect($("#delete-dialog").hasAttribute("open")).toBe(true);
    press($("#delete-dialog"), "Escape");
    rowAction("a", "forget").click();
    expect($("#forget-dialog").hasAttribute("open")).toBe(true);
  });

  it("focus returns to the row button after a dialog closes", async () => {
    mount([secret("a")]);
    await flush();
    const rotate = $('[data-secret="a"] [data-action="rotate"]');
    rotate.focus();
    rotate.click();
    expect(document.activeElement?.id).toBe("rotate-confirm-name");
    $("#rotate-cancel").click();
    expect(document.activeElement).toBe(rotate);
  });

  it("copy stored token copies through Rust and counts down", async () => {
    on("copy_stored_token", () => ({ clearsInSeconds: 20 }));
    mount([secret("a", { storedLocally: true })]);
    await flush();
    $('[data-secret="a"] [data-action="copy-stored"]').click();
    await flush();
    expect(calls("copy_stored_token")).toEqual([{ account: aliceRef, secretId: "a", evenIfOutOfDate: false }]);
    expect($("#clipboard-countdown").textContent).toBe("Clipboard clears in 20 s");
    expect($("#status").textContent).toContain("clears in 20 seconds");
  });

  it("a stored copy that may be out of date is badged and copied only after saying why", async () => {
    const why = "a rotate of it got no answer, so it may have been rotated since this copy was saved.";
    let asked = 0;
    on("copy_stored_token", (args) => {
      asked++;
      if (!args.evenIfOutOfDate) throw { code: "stored_copy_may_be_stale", message: `The stored token for "a" may be out of date: ${why}` };
      return { clearsInSeconds: 20 };
    });
    mount([secret("a", { storedLocally: true, storedCopyWarning: why })]);
    await flush();
    const badge = $('[data-secret="a"] .badge-stale');
    expect(badge.textContent).toBe("May be out of date");
    expect(badge.title).toContain(why);
    expect(document.querySelector('[data-secret="a"] .badge-stored')).toBeNull();
    $('[data-secret="a"] [data-action="copy-stored"]').click();
    await flush();
    // Nothing copied yet: the dialog says why and the safe choice has focus.
    expect($("#stale-copy-dialog").textContent).toContain(why);
    expect(document.activeElement?.id).toBe("stale-copy-cancel");
    expect(document.querySelector("#clipboard-countdown:not([hidden])")).toBeNull();
    $("#stale-copy-anyway").click();
    await flush();
    expect(asked).toBe(2);
    expect(calls("copy_stored_token")[1]).toEqual({ account: aliceRef, secretId: "a", evenIfOutOfDate: true });
    expect($("#clipboard-countdown").textContent).toBe("Clipboard clears in 20 s");
  });

  it("signing out while a rotate is out asks first, and waiting keeps the account", async () => {
    on("in_flight_requests", () => [
      {
        entry: "01",
        account: aliceRef,
        operation: "rotate",
        secretId: "hook",
        name: "hook",
        startedAt: "2024-01-01T00:00:00.000Z",
        lastRotatedBefore: null,
      },
    ]);
    const spy = mount([]);
    $("#signout-button").click();
    await flush();
    expect($("#in-flight-dialog").textContent).toContain("A rotate of “hook” is still waiting for the server.");
    expect($("#in-flight-dialog-title").textContent).toBe("Sign out anyway?");
    $("#in-flight-wait").click();
    await flush();
    expect(spy.signOut).not.toHaveBeenCalled();
    $("#signout-button").click();
    await flush();
    $("#in-flight-go").click();
    await flush();
    expect(spy.signOut).toHaveBeenCalledOnce();
  });

  it("a request an earlier run never heard back about opens the outcome-unknown dialog once", async () => {
    on("dismiss_interrupted_request", () => null);
    on("get_preferences", () => ({ clipboardClearSeconds: 30, ageWarningDays: 90 }));
    on("list_secrets", () => [secret("hook", { storedLocally: true })]);
    const interrupted = {
      entry: "0a",
      account: aliceRef,
      operation: "rotate" as const,
      secretId: "hook",
      name: "hook",
      startedAt: "2024-01-01T00:00:00.000Z",
      lastRotatedBefore: null,
    };
    document.body.replaceChildren(secretsView(account, wisp, [account], actions(), [interrupted]));
    await flush();
    expect($("#unknown-dialog-title").textContent).toBe("Did “hook” rotate?");
    expect($("#unknown-dialog").textContent).toContain("Wispkey stopped");
    expect(calls("dismiss_interrupted_request")).toEqual([]);
    $("#unknown-close").click();
    await flush();
    expect(calls("dismiss_interrupted_request")).toEqual([{ entry: "0a" }]);
  });

  it("clipboard-cleared shows what happened and ends the countdown", async () => {
    on("copy_stored_token", () => ({ clearsInSeconds: 20 }));
    mount([secret("a", { storedLocally: true })]);
    await flush();
    $('[data-secret="a"] [data-action="copy-stored"]').click();
    await flush();
    clipboard().cleared({ cleared: true });
    expect($("#clipboard-countdown").hidden).toBe(true);
    expect($("#clipboard-outcome").textContent).toBe("Clipboard cleared.");
    clipboard().cleared({ cleared: false });
    expect($("#clipboard-outcome").textContent).toBe("Clipboard left alone: you copied something else since.");
  });

  it("a missing stored token is said in the Rust side's words", async () => {
    on("copy_stored_token", () => {
      throw { code: "keychain_not_found", message: "No token for this secret is in your keychain." };
    });
    mount([secret("a", { storedLocally: true })]);
    await flush();
    $('[data-secret="a"] [data-action="copy-stored"]').click();
    await flush();
    expect($("#status").textContent).toBe("No token for this secret is in your keychain.");
    expect(document.querySelector('[data-secret="a"] .badge-stored')).toBeNull();
  });

  it("says which capability is missing and offers to re-authorize with full access", async () => {
    const note = "Granted: atproto. Re-authorizing asks your PDS for full access.";
    const limited = { ...account, capabilities: ["list" as const], reauthorizeNote: note };
    const spy = mount([], limited);
    expect($("#capability-notice").hidden).toBe(false);
    expect($("#capability-notice").textContent).toContain("does not let Wispkey create, rotate and delete signing secrets");
    // The detail is the provider's own sentence, not one written in the UI.
    expect($("#capability-notice").textContent).toContain(note);
    $("#reauthorize-full-access").click();
    expect(spy.reauthorize).toHaveBeenCalledOnce();
  });

  it("has no re-authorize offer when everything is granted", () => {
    mount([]);
    expect($("#capability-notice").hidden).toBe(true);
  });

  it("account menu lists every account and switches", async () => {
    const bob = { ...account, account: { provider: "wisp", id: "did:plc:bob" }, label: "bob.test", detail: "did:plc:bob" };
    const spy = mount([], account, [account, bob]);
    const button = $("#account-menu-button");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    button.click();
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect($('[data-account-did="did:plc:alice"]').getAttribute("aria-checked")).toBe("true");
    expect(document.activeElement?.getAttribute("data-account-did")).toBe("did:plc:alice");
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement?.getAttribute("data-account-did")).toBe("did:plc:bob");
    (document.activeElement as HTMLElement).click();
    await flush();
    expect(spy.switchAccount).toHaveBeenCalledWith({ provider: "wisp", id: "did:plc:bob" });
  });

  it("account menu closes on Escape and offers to add an account", () => {
    const spy = mount([]);
    $("#account-menu-button").click();
    press(document.activeElement as HTMLElement, "Escape");
    expect($("#account-menu").hidden).toBe(true);
    expect(document.activeElement?.id).toBe("account-menu-button");
    $("#account-menu-button").click();
    $("#add-account").click();
    expect(spy.addAccount).toHaveBeenCalledOnce();
  });

  it("settings opens from the top bar", () => {
    mount([]);
    $("#settings-button").click();
    expect($("#settings-dialog").hasAttribute("open")).toBe(true);
  });

  it("arrow keys move between rows and into row buttons", async () => {
    mount([secret("a"), secret("b"), secret("c")]);
    await flush();
    const filter = $("#secrets-filter");
    filter.focus();
    press(filter, "ArrowDown");
    expect(document.activeElement?.getAttribute("data-secret")).toBe("a");
    expect(document.activeElement?.getAttribute("tabindex")).toBe("0");
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement?.getAttribute("data-secret")).toBe("b");
    expect($('[data-secret="a"]').getAttribute("tabindex")).toBe("-1");
    press(document.activeElement as HTMLElement, "ArrowRight");
    expect(document.activeElement?.getAttribute("data-action")).toBe("rotate");
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement?.closest("[data-secret]")?.getAttribute("data-secret")).toBe("c");
    expect(document.activeElement?.getAttribute("data-action")).toBe("rotate");
    press(document.activeElement as HTMLElement, "Home");
    press(document.activeElement as HTMLElement, "ArrowLeft");
    expect(document.activeElement?.getAttribute("data-secret")).toBe("a");
    press(document.activeElement as HTMLElement, "ArrowUp");
    expect(document.activeElement).toBe(filter);
  });

  it("actions a provider does not support are not shown", async () => {
    // Keyring Cloud lists and rotates, nothing else; the account was granted everything.
    const keyringAccount = { ...account, account: { provider: "keyring", id: "42" }, providerLabel: "Keyring Cloud" };
    mount([secret("a", { id: "7" })], keyringAccount, [keyringAccount], rotateOnly);
    await flush();
    expect(document.getElementById("create-button")).toBeNull();
    const row = $('[data-secret="a"]');
    expect(row.getAttribute("data-secret-id")).toBe("7");
    expect(rowActions("7")).toContain("rotate");
    expect(rowActions("7")).not.toContain("delete");
    // Nothing is missing from the grant of what the provider offers: no re-authorize offer.
    expect($("#capability-notice").hidden).toBe(true);
  });

  it("an empty list offers no create when the provider cannot create, and says what its secrets are for", async () => {
    mount([], account, [account], rotateOnly);
    await flush();
    expect($("#secrets-empty").textContent).toContain("Keyring Cloud tokens sign your deliveries.");
    expect(document.getElementById("create-first")).toBeNull();
  });

  it("actions the account was not granted are not shown either", async () => {
    const rotateOnlyGrant = { ...account, capabilities: ["list" as const, "rotate" as const] };
    mount([secret("a")], rotateOnlyGrant);
    await flush();
    expect(document.getElementById("create-button")).toBeNull();
    expect(rowActions("a")).not.toContain("delete");
    expect(rowActions("a")).toContain("rotate");
    expect($("#capability-notice").textContent).toContain("does not let Wispkey create and delete signing secrets");
  });

  it("the account menu shows each account's provider label", () => {
    const carol: AccountView = {
      ...account,
      account: { provider: "keyring", id: "42" },
      providerLabel: "Keyring Cloud",
      label: "carol@example.com",
      detail: "carol@example.com",
    };
    mount([], account, [account, carol]);
    $("#account-menu-button").click();
    const alice = $('[data-account-did="did:plc:alice"]');
    expect(alice.getAttribute("data-account-provider")).toBe("wisp");
    expect(alice.querySelector(".menu-item-provider")?.textContent).toBe("wisp.place");
    const other = $('[data-account-provider="keyring"]');
    expect(other.getAttribute("data-account-did")).toBe("42");
    expect(other.querySelector(".menu-item-provider")?.textContent).toBe("Keyring Cloud");
    // The id is the label here: not said twice.
    expect(other.querySelector(".menu-item-detail")).toBeNull();
  });

  it("every row offers Store secret…, which keeps a pasted secret and marks the row In keychain", async () => {
    on("store_pasted_secret", () => null);
    mount([secret("a")]);
    await flush();
    const store = rowAction("a", "store");
    expect(store.textContent).toBe("Store secret…");
    expect(store.getAttribute("aria-label")).toBe("Store a secret rotated elsewhere for a");
    expect(store.getAttribute("role")).toBe("menuitem");
    store.click();
    expect($("#store-dialog").hasAttribute("open")).toBe(true);
    type("#store-secret", "whsec_pasted");
    $("#store-submit").click();
    await flush();
    expect(calls("store_pasted_secret")).toEqual([{ account: aliceRef, secretId: "a", secret: "whsec_pasted" }]);
    expect(document.getElementById("store-dialog")).toBeNull();
    expect($('[data-secret="a"] .badge-stored').textContent).toBe("In keychain");
    expect($("#status").textContent).toBe("Stored the new secret for “a” in your keychain.");
    expect(document.body.innerHTML).not.toContain("whsec_pasted");
  });

  it("where ids are not names, each row shows its id under the name", async () => {
    const keyringAccount = { ...account, account: { provider: "keyring", id: "42" }, providerLabel: "Keyring Cloud" };
    mount([secret("https://a.example/hook", { id: "7" }), secret("https://a.example/hook", { id: "9" })], keyringAccount, [keyringAccount], rotateOnly);
    await flush();
    const rows = [...document.querySelectorAll<HTMLElement>("[data-secret]")];
    expect(rows.map((row) => row.querySelector(".secret-id")?.textContent)).toEqual(["Token id 7", "Token id 9"]);
    expect(rows[0]?.querySelector('[data-action="rotate"]')?.getAttribute("aria-label")).toBe("Rotate https://a.example/hook (token id 7)");
  });

  it("where ids are names, rows show the name alone", async () => {
    mount([secret("a")]);
    await flush();
    expect(document.querySelector('[data-secret="a"] .secret-id')).toBeNull();
    expect($('[data-secret="a"] .cell.name').textContent).toBe("a");
  });
});
