import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountView, ProviderDescriptor } from "../src/bindings";
import { $, account, aliceRef, calls, flush, installFakeIpc, keyringAccount, on, rotateOnly, secret, submit, type, wisp } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const bob: AccountView = { ...account, account: { provider: "wisp", id: "did:plc:bob" }, label: "bob.test", detail: "did:plc:bob" };
const listeners = new Map<string, (event: { payload: unknown }) => void>();

async function start(accounts: AccountView[], providers: ProviderDescriptor[] = [wisp]) {
  on("providers", () => providers);
  on("restore_accounts", () => accounts);
  on("list_secrets", () => []);
  on("get_preferences", () => ({ clipboardClearSeconds: 30, ageWarningDays: 90 }));
  on("keychain_status", () => ({ store: "Secret Service" }));
  vi.resetModules();
  await import("../src/main");
  await flush();
}

/** An empty #app, the fake IPC, and Tauri events caught in `listeners`. */
function freshWindow() {
  document.body.replaceChildren(Object.assign(document.createElement("main"), { id: "app" }));
  document.body.className = "";
  installFakeIpc();
  listeners.clear();
  vi.mocked(listen).mockImplementation(async (event, handler) => {
    listeners.set(event, handler as (event: { payload: unknown }) => void);
    return () => listeners.delete(event);
  });
}

describe("app", () => {
  beforeEach(() => {
    freshWindow();
  });

  it("settings away from production are named on a Custom network line", async () => {
    on("custom_network", () => [
      { label: "PLC directory", value: "http://127.0.0.1:2582" },
      { label: "wisp service", value: "did:web:localhost%3A9" },
    ]);
    await start([account]);
    expect($("#custom-network").textContent).toBe("Custom network: PLC directory http://127.0.0.1:2582, wisp service did:web:localhost%3A9");
    expect(document.body.classList.contains("has-custom-network")).toBe(true);
  });

  it("production shows no Custom network line", async () => {
    on("custom_network", () => []);
    await start([account]);
    expect(document.getElementById("custom-network")).toBeNull();
    expect(document.body.classList.contains("has-custom-network")).toBe(false);
  });

  it("with no keychain, the sign-in screen says so once", async () => {
    const missing = { code: "keychain_missing", message: "No keychain is available. Install and start a Secret Service provider (GNOME Keyring or KWallet), then try again." };
    on("providers", () => [wisp]);
    on("restore_accounts", () => {
      throw missing;
    });
    on("keychain_status", () => {
      throw missing;
    });
    vi.resetModules();
    await import("../src/main");
    await flush();
    const text = document.body.textContent ?? "";
    expect(text.split("No keychain is available").length - 1).toBe(1);
    expect($("#signin-status").textContent).toBe(missing.message);
  });

  it("a keychain problem other than the restore's is still shown under the card", async () => {
    on("providers", () => [wisp]);
    on("restore_accounts", () => []);
    on("keychain_status", () => {
      throw { code: "keychain_locked", message: "The keychain is locked or not answering." };
    });
    vi.resetModules();
    await import("../src/main");
    await flush();
    expect($("#keychain-status").textContent).toBe("The keychain is locked or not answering.");
    expect($("#keychain-status").hidden).toBe(false);
  });

  it("the first screen shows the list start-up fetched, without asking for it again", async () => {
    on("start_up_list", () => ({ account: aliceRef, rows: [secret("from-start-up")] }));
    await start([account, bob]);
    expect($("#secrets-table").textContent).toContain("from-start-up");
    expect(calls("list_secrets")).toEqual([]);
  });

  it("a start-up list of another account is not shown: the first account's list is asked for", async () => {
    on("start_up_list", () => ({ account: { provider: "wisp", id: "did:plc:bob" }, rows: [secret("bobs")] }));
    await start([account, bob]);
    expect(calls("list_secrets")).toEqual([{ account: aliceRef }]);
    expect(document.body.textContent).not.toContain("bobs");
  });

  it("restores every account and switches between them", async () => {
    await start([account, bob]);
    expect($("#account-name").textContent).toBe("alice.test");
    $("#account-menu-button").click();
    $('[data-account-did="did:plc:bob"]').click();
    await flush();
    expect($("#account-name").textContent).toBe("bob.test");
    expect(calls("list_secrets").at(-1)).toEqual({ account: { provider: "wisp", id: "did:plc:bob" } });
  });

  it("signing out of one account goes to the next", async () => {
    on("sign_out", () => ({ revokedAtServer: true }));
    await start([account, bob]);
    $("#signout-button").click();
    await flush();
    expect(calls("sign_out")).toEqual([{ account: aliceRef }]);
    expect($("#account-name").textContent).toBe("bob.test");
    expect($("#status").textContent).toBe("alice.test: Signed out.");
  });

  it("signing out of the last account shows the sign-in screen", async () => {
    on("sign_out", () => ({ revokedAtServer: true }));
    await start([account]);
    $("#signout-button").click();
    await flush();
    expect($("#signin-status").textContent).toBe("Signed out.");
    expect(document.getElementById("signin-back")).toBeNull();
  });

  it("add account shows sign-in with a way back", async () => {
    await start([account]);
    $("#account-menu-button").click();
    $("#add-account").click();
    expect($("#signin-form")).toBeTruthy();
    $("#signin-back").click();
    expect($("#account-name").textContent).toBe("alice.test");
  });

  it("re-authorize asks for full access and shows the upgraded account", async () => {
    const limited = { ...account, capabilities: ["list" as const] };
    on("sign_in", () => null);
    await start([limited]);
    $("#reauthorize-full-access").click();
    await flush();
    expect(calls("sign_in")).toEqual([{ provider: "wisp", request: { kind: "oauth", identity: "alice.test", fullAccess: true } }]);
    expect($("#reauthorize-cancel").hidden).toBe(false);
    listeners.get("sign-in-finished")?.({ payload: { account, error: null } });
    await flush();
    expect($("#capability-notice").hidden).toBe(true);
  });

  it("a refused re-authorization says why", async () => {
    const limited = { ...account, capabilities: ["list" as const] };
    on("sign_in", () => null);
    await start([limited]);
    $("#reauthorize-full-access").click();
    await flush();
    listeners.get("sign-in-finished")?.({
      payload: { account: null, error: { code: "consent_denied", message: "You declined on your PDS’s page." } },
    });
    await flush();
    expect($("#reauthorize-status").textContent).toBe("You declined on your PDS’s page.");
    expect($("#reauthorize-cancel").hidden).toBe(true);
  });

  it("with one provider, sign-in names it and signs in there", async () => {
    on("sign_in", () => null);
    await start([]);
    expect($("#signin-provider").textContent).toBe("Sign in to wisp.place");
    expect(document.getElementById("provider-choice")).toBeNull();
    type("#handle", "alice.test");
    submit("#handle");
    await flush();
    expect(calls("sign_in")).toEqual([{ provider: "wisp", request: { kind: "oauth", identity: "alice.test", fullAccess: false } }]);
    listeners.get("sign-in-finished")?.({ payload: { account, error: null } });
    await flush();
    expect($("#account-name").textContent).toBe("alice.test");
  });

  it("adding an account starts by choosing the provider", async () => {
    const other: ProviderDescriptor = { ...wisp, id: "other", label: "Other Cloud" };
    on("sign_in", () => null);
    await start([account], [wisp, other]);
    $("#account-menu-button").click();
    $("#add-account").click();
    const choice = $("#provider-choice");
    expect(choice.textContent).toContain("wisp.place");
    expect(choice.textContent).toContain("Other Cloud");
    const radio = $("#provider-other") as HTMLInputElement;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    type("#handle", "carol.test");
    submit("#handle");
    await flush();
    expect(calls("sign_in")).toEqual([{ provider: "other", request: { kind: "oauth", identity: "carol.test", fullAccess: false } }]);
  });

  it("an API-key provider signs in with {kind: apiKey, key} and the key leaves the page afterwards", async () => {
    on("sign_in", () => null);
    await start([], [rotateOnly]);
    expect(document.getElementById("handle")?.closest("[hidden]") ?? document.getElementById("handle")?.hidden).toBeTruthy();
    expect(document.activeElement?.id).toBe("api-key");
    type("#api-key", "  kr_live_abc123\n");
    submit("#api-key");
    await flush();
    expect(calls("sign_in")).toEqual([{ provider: "keyring", request: { kind: "apiKey", key: "kr_live_abc123" } }]);
    // Gone from the field as soon as it went into the call, while the outcome is on its way.
    expect(($("#api-key") as HTMLInputElement).value).toBe("");
    expect(document.body.innerHTML).not.toContain("kr_live_abc123");
    listeners.get("sign-in-finished")?.({ payload: { account: keyringAccount, error: null } });
    await flush();
    expect($("#account-name").textContent).toBe("team-7");
    expect(document.body.innerHTML).not.toContain("kr_live_abc123");
    expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.toContain("kr_live_abc123");
  });

  it("a refused API key is said inline, the field is emptied and focused for another try", async () => {
    on("sign_in", () => null);
    await start([], [rotateOnly]);
    type("#api-key", "kr_wrong");
    submit("#api-key");
    await flush();
    listeners.get("sign-in-finished")?.({ payload: { account: null, error: { code: "sign_in_failed", message: "Keyring Cloud did not accept that API key." } } });
    await flush();
    expect($("#signin-status").textContent).toBe("Keyring Cloud did not accept that API key.");
    expect(($("#api-key") as HTMLInputElement).value).toBe("");
    expect(document.activeElement?.id).toBe("api-key");
    expect(($("#signin-button") as HTMLButtonElement).disabled).toBe(false);
  });

  it("adding an account with several providers focuses the choice, and an API-key provider swaps the field", async () => {
    on("sign_in", () => null);
    await start([account], [wisp, rotateOnly]);
    $("#account-menu-button").click();
    $("#add-account").click();
    expect(document.activeElement?.id).toBe("provider-wisp");
    const radio = $("#provider-keyring") as HTMLInputElement;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    expect($("#handle").hidden).toBe(true);
    expect($("#api-key-field").hidden).toBe(false);
    expect($('label[for="api-key"]').textContent).toBe("API key");
    type("#api-key", "kr_live_abc123");
    submit("#api-key");
    await flush();
    expect(calls("sign_in")).toEqual([{ provider: "keyring", request: { kind: "apiKey", key: "kr_live_abc123" } }]);
  });

  it("an account of a provider this build does not know is left out", async () => {
    const stranger: AccountView = { ...bob, account: { provider: "gone", id: "x" }, providerLabel: "Gone" };
    await start([stranger, account]);
    expect($("#account-name").textContent).toBe("alice.test");
    expect(document.querySelector('[data-account-provider="gone"]')).toBeNull();
  });

  it("F5 refreshes the list instead of reloading the page", async () => {
    await start([account]);
    const before = calls("list_secrets").length;
    const event = new KeyboardEvent("keydown", { key: "F5", bubbles: true, cancelable: true });
    document.body.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await flush();
    expect(calls("list_secrets").length).toBe(before + 1);
  });
});

describe("closing the window with a token that is not stored", () => {
  const notStored = {
    id: "deploy-hook",
    name: "deploy-hook",
    issuedAt: "2024-05-01T00:00:00Z",
    also: [],
    token: "wsk_only_here",
    stored: false,
    storeError: { code: "keychain_locked" as const, message: "The keychain is locked." },
  };

  beforeEach(() => {
    freshWindow();
    on("finish_issued_token", () => null);
    on("close_window", () => null);
  });

  async function showUnstoredToken() {
    on("create_secret", () => notStored);
    await start([account]);
    $("#create-button").click();
    type("#create-name", "deploy-hook");
    submit("#create-name");
    await flush();
    expect($("#token-dialog").hasAttribute("open")).toBe(true);
  }

  function closeBlocked() {
    const listener = listeners.get("close-blocked");
    if (!listener) throw new Error("the app does not listen for close-blocked");
    listener({ payload: null });
  }

  it("asks whether the token was saved elsewhere, and closes the window only after yes", async () => {
    await showUnstoredToken();
    closeBlocked();
    expect($("#token-close-ask").hidden).toBe(false);
    expect($("#token-close-confirm").textContent).toBe("Yes, I saved it — close Wispkey");
    expect(document.activeElement?.id).toBe("token-close-back");
    await flush();
    expect(calls("close_window")).toEqual([]);
    expect(calls("finish_issued_token")).toEqual([]);

    $("#token-close-confirm").click();
    await flush();
    expect(document.getElementById("token-dialog")).toBeNull();
    // Rust drops the token first; until then it would refuse the close again.
    const order = vi.mocked(invoke).mock.calls.map(([command]) => command);
    expect(order.slice(-2)).toEqual(["finish_issued_token", "close_window"]);
    expect(calls("finish_issued_token")).toEqual([{ account: aliceRef, secretId: "deploy-hook" }]);
  });

  it("going back keeps the window and the token, and Done later does not close the window", async () => {
    await showUnstoredToken();
    closeBlocked();
    expect($("#token-close-ask").hidden).toBe(false);
    $("#token-close-back").click();
    expect($("#token-close-ask").hidden).toBe(true);
    expect(($("#token-value") as HTMLInputElement).value).toBe("wsk_only_here");
    $("#token-done").click();
    expect($("#token-close-confirm").textContent).toBe("Yes, I saved it — close");
    $("#token-close-confirm").click();
    await flush();
    expect(calls("finish_issued_token")).toHaveLength(1);
    expect(calls("close_window")).toEqual([]);
  });

  it("a token stored by Try again no longer holds the window", async () => {
    on("retry_store_token", () => ({ ...notStored, stored: true, storeError: null }));
    await showUnstoredToken();
    $("#token-retry").click();
    await flush();
    closeBlocked();
    // Nothing left to ask about: the dialog stays as it was and nothing closes behind the user.
    expect($("#token-close-ask").hidden).toBe(true);
    await flush();
    expect(calls("close_window")).toEqual([]);
  });

  /** Any key: a request can only be out after the user did something in the window. */
  async function userPressesAKey() {
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Tab", bubbles: true }));
    await flush();
  }

  it("closing while a rotate is out asks, and Quit anyway closes leaving it", async () => {
    await start([account]);
    await userPressesAKey();
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
    on("close_leaving_requests", () => null);
    closeBlocked();
    await flush();
    expect($("#in-flight-dialog").textContent).toContain("A rotate of “hook” is still waiting for the server.");
    expect($("#in-flight-dialog-title").textContent).toBe("Quit anyway?");
    expect(calls("close_leaving_requests")).toEqual([]);
    $("#in-flight-go").click();
    await flush();
    expect(calls("close_leaving_requests")).toHaveLength(1);
  });

  it("with no token on screen yet, says the token is still being saved", async () => {
    await start([account]);
    await userPressesAKey();
    on("in_flight_requests", () => []);
    closeBlocked();
    await flush();
    expect($("#status").textContent).toBe(
      "A new token is still being saved to your keychain. Close the window again once it is shown.",
    );
    await flush();
    expect(calls("close_window")).toEqual([]);
  });
});

describe("Rust's events for the window", () => {
  const windowEvents = ["clipboard-cleared", "close-blocked", "reminders-snoozed"];

  beforeEach(() => {
    freshWindow();
  });

  it("are not listened to while the user only looks at the list (no script from Rust at start)", async () => {
    await start([account]);
    expect($("#secrets-empty, #secrets-table")).toBeTruthy();
    expect([...listeners.keys()].filter((event) => windowEvents.includes(event))).toEqual([]);
  });

  it("are listened to when the reminder banner shows, since the notification can snooze it any time", async () => {
    on("overdue_summary", () => ({ overdue: 2, uncheckedAccounts: 0, notification: "2 signing secrets are overdue for rotation." }));
    await start([account]);
    expect($("#reminder-banner").hidden).toBe(false);
    listeners.get("reminders-snoozed")?.({ payload: 7 });
    expect($("#reminder-banner").hidden).toBe(true);
  });

  it("are listened to from the first key or pointer press", async () => {
    await start([account]);
    document.dispatchEvent(new Event("pointerdown", { bubbles: true }));
    await flush();
    expect([...listeners.keys()].sort()).toEqual(expect.arrayContaining(windowEvents));
  });

  it("are listened to before a change is sent, even with no press (a click from assistive technology)", async () => {
    let heardWhenSent: boolean | null = null;
    on("create_secret", () => {
      heardWhenSent = windowEvents.every((event) => listeners.has(event));
      return { id: "deploy-hook", name: "deploy-hook", issuedAt: "2024-05-01T00:00:00Z", also: [], token: "wsk_new", stored: true, storeError: null };
    });
    on("finish_issued_token", () => null);
    await start([account]);
    $("#create-button").click();
    type("#create-name", "deploy-hook");
    submit("#create-name");
    await flush();
    expect(calls("create_secret")).toHaveLength(1);
    expect(heardWhenSent).toBe(true);
  });
});
