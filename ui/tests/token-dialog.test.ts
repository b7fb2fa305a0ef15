import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IssuedSecret } from "../src/bindings";
import { clipboard } from "../src/clipboard";
import { openTokenDialog } from "../src/views/token-dialog";
import { fakeContext } from "./context";
import { $, aliceRef, calls, flush, installFakeIpc, on, press } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const TOKEN = "wsk_live_5ecret";

function issued(extra: Partial<IssuedSecret> = {}): IssuedSecret {
  return { id: "deploy-hook", name: "deploy-hook", issuedAt: "2024-05-01T00:00:00Z", token: TOKEN, stored: true, storeError: null, also: [], ...extra };
}

const notStored = () =>
  issued({ stored: false, storeError: { code: "keychain_locked", message: "The keychain is locked. Unlock it and try again." } });

describe("copy-once dialog", () => {
  beforeEach(() => {
    document.body.replaceChildren();
    installFakeIpc();
    on("finish_issued_token", () => null);
    clipboard().reset();
  });

  it("shows the token masked, says it is shown only once, and reveals on request", () => {
    openTokenDialog(fakeContext(), issued(), "rotated");
    const dialog = $("#token-dialog") as HTMLDialogElement;
    expect(dialog.hasAttribute("open")).toBe(true);
    const value = $("#token-value") as HTMLInputElement;
    expect(value.type).toBe("password");
    expect(value.value).toBe(TOKEN);
    expect(dialog.textContent).toContain("This is the only time it is shown here.");
    $("#token-reveal").click();
    expect(value.type).toBe("text");
    expect($("#token-reveal").getAttribute("aria-pressed")).toBe("true");
    $("#token-reveal").click();
    expect(value.type).toBe("password");
  });

  it("shows a second value of the answer labelled beside the secret, copied by its own id", async () => {
    on("copy_issued_token", () => ({ clearsInSeconds: 30 }));
    const extra = { id: "deploy-hook#api-token", label: "New API token", note: "Update it wherever the old one is used.", token: "slt_new_value", stored: true, storeError: null };
    openTokenDialog(fakeContext(), issued({ also: [extra] }), "rotated");
    expect($("label[for=\"token-value\"]").textContent).toBe("Signing secret");
    expect($("label[for=\"token-also-0\"]").textContent).toBe("New API token");
    const value = $("#token-also-0") as HTMLInputElement;
    expect(value.type).toBe("password");
    expect(value.value).toBe("slt_new_value");
    expect(document.documentElement.outerHTML).not.toContain("slt_new_value");
    expect($("#token-also-stored-0").textContent).toMatch(/saved in this computer’s keychain/);
    $("#token-also-copy-0").click();
    await flush();
    expect(calls("copy_issued_token")).toEqual([{ account: aliceRef, secretId: "deploy-hook#api-token" }]);
  });

  it("asks before closing while the second value is not saved", () => {
    const extra = { id: "deploy-hook#api-token", label: "New API token", note: "n", token: "slt_x", stored: false, storeError: { code: "keychain_locked" as const, message: "Locked." } };
    openTokenDialog(fakeContext(), issued({ also: [extra] }), "rotated");
    $("#token-done").click();
    expect($("#token-close-ask").hidden).toBe(false);
  });

  it("never writes the token into the markup", () => {
    openTokenDialog(fakeContext(), issued(), "created");
    expect(document.documentElement.outerHTML).not.toContain(TOKEN);
  });

  it("copies through Rust and starts the clipboard countdown", async () => {
    on("copy_issued_token", () => ({ clearsInSeconds: 30 }));
    openTokenDialog(fakeContext(), issued(), "created");
    $("#token-copy").click();
    await flush();
    expect(calls("copy_issued_token")).toEqual([{ account: aliceRef, secretId: "deploy-hook" }]);
    const countdown = $("#token-dialog #clipboard-countdown");
    expect(countdown.hidden).toBe(false);
    expect(countdown.textContent).toBe("Clipboard clears in 30 s");
  });

  it("a stored token closes on Done, leaves the DOM, and Rust is told", async () => {
    openTokenDialog(fakeContext(), issued(), "created");
    $("#token-done").click();
    await flush();
    expect(document.getElementById("token-dialog")).toBeNull();
    expect(document.body.innerHTML).not.toContain(TOKEN);
    expect(calls("finish_issued_token")).toEqual([{ account: aliceRef, secretId: "deploy-hook" }]);
  });

  it("says plainly when the token is not in the keychain, with the reason", () => {
    openTokenDialog(fakeContext(), notStored(), "rotated");
    const warning = $("#token-not-stored");
    expect(warning.hidden).toBe(false);
    expect(warning.textContent).toContain("Not saved in your keychain");
    expect(warning.textContent).toContain("The keychain is locked. Unlock it and try again.");
    expect($("#token-retry")).toBeTruthy();
  });

  it("closing an unstored token asks first", async () => {
    openTokenDialog(fakeContext(), notStored(), "rotated");
    $("#token-done").click();
    expect($("#token-dialog").hasAttribute("open")).toBe(true);
    expect($("#token-close-ask").hidden).toBe(false);
    await flush();
    expect(calls("finish_issued_token")).toEqual([]);
    $("#token-close-confirm").click();
    await flush();
    expect(document.getElementById("token-dialog")).toBeNull();
    expect(calls("finish_issued_token")).toHaveLength(1);
  });

  it("Escape never silently loses an unstored token", async () => {
    openTokenDialog(fakeContext(), notStored(), "rotated");
    const dialog = $("#token-dialog");
    press(dialog, "Escape");
    expect(dialog.isConnected).toBe(true);
    expect($("#token-close-ask").hidden).toBe(false);
    // A second Escape goes back to the token, it does not confirm.
    press(dialog, "Escape");
    expect(dialog.isConnected).toBe(true);
    expect($("#token-close-ask").hidden).toBe(true);
    dialog.dispatchEvent(new Event("cancel", { cancelable: true }));
    expect(dialog.isConnected).toBe(true);
    await flush();
    expect(calls("finish_issued_token")).toEqual([]);
  });

  it("retry that succeeds removes the warning and lets Done close directly", async () => {
    on("retry_store_token", () => issued());
    const context = fakeContext();
    openTokenDialog(context, notStored(), "rotated");
    $("#token-retry").click();
    await flush();
    expect($("#token-not-stored").hidden).toBe(true);
    expect(context.updateRow).toHaveBeenCalledWith("deploy-hook", { storedLocally: true });
    $("#token-done").click();
    expect(document.getElementById("token-dialog")).toBeNull();
  });

  it("a locked keychain offers Unlock next to Try saving again, and saves once unlocked", async () => {
    on("unlock_keychain", () => null);
    on("retry_store_token", () => issued());
    openTokenDialog(fakeContext(), notStored(), "rotated");
    expect($("#token-unlock").hidden).toBe(false);
    expect($("#token-retry").hidden).toBe(false);
    $("#token-unlock").click();
    await flush();
    expect(calls("unlock_keychain")).toHaveLength(1);
    expect(calls("retry_store_token")).toHaveLength(1);
    expect($("#token-not-stored").hidden).toBe(true);
  });

  it("a keychain that is missing rather than locked offers no Unlock", () => {
    openTokenDialog(
      fakeContext(),
      issued({ stored: false, storeError: { code: "keychain_missing", message: "No keychain is available." } }),
      "rotated",
    );
    expect($("#token-unlock").hidden).toBe(true);
  });

  it("retry that fails again shows the new reason", async () => {
    on("retry_store_token", () =>
      issued({ stored: false, storeError: { code: "keychain_denied", message: "Access to the keychain was denied." } }),
    );
    openTokenDialog(fakeContext(), notStored(), "rotated");
    $("#token-retry").click();
    await flush();
    expect($("#token-not-stored").textContent).toContain("Access to the keychain was denied.");
  });

  it("keeps Tab inside the dialog", () => {
    openTokenDialog(fakeContext(), issued(), "created");
    const done = $("#token-done");
    done.focus();
    press(done, "Tab");
    expect(document.activeElement?.id).toBe("token-value");
    press(document.activeElement as HTMLElement, "Tab", { shiftKey: true });
    expect(document.activeElement?.id).toBe("token-done");
  });

  it("gives focus back to where it was", () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    openTokenDialog(fakeContext(), issued(), "created");
    expect(document.activeElement?.id).toBe("token-copy");
    $("#token-done").click();
    expect(document.activeElement).toBe(opener);
  });
});

describe("copy-once dialog against the platform", () => {
  beforeEach(() => {
    document.body.replaceChildren();
    installFakeIpc();
    on("finish_issued_token", () => null);
  });

  it("reopens if the engine closes it natively, so an unstored token never vanishes", async () => {
    openTokenDialog(fakeContext(), notStored(), "rotated");
    const dialog = $("#token-dialog") as HTMLDialogElement;
    dialog.close();
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(($("#token-value") as HTMLInputElement).value).toBe(TOKEN);
    await flush();
    expect(calls("finish_issued_token")).toEqual([]);
  });
});
