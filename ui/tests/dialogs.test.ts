import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IssuedSecret, ProviderDescriptor } from "../src/bindings";
import { openCreateDialog } from "../src/views/create-dialog";
import { openDeleteDialog } from "../src/views/delete-dialog";
import { openForgetDialog } from "../src/views/forget-dialog";
import { openRotateDialog } from "../src/views/rotate-dialog";
import { openSettingsDialog } from "../src/views/settings-dialog";
import { openStoreDialog } from "../src/views/store-dialog";
import { fakeContext } from "./context";
import { $, account, aliceRef, calls, flush, installFakeIpc, on, press, rotateOnly, secret, submit, type, wisp } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const issued = (name: string): IssuedSecret => ({ id: name, name, issuedAt: "2024-05-01T00:00:00Z", token: "wsk_new", stored: true, storeError: null, also: [] });
const lost = () => {
  throw { code: "outcome_unknown", message: "The request was sent but no answer came back." };
};
const disabled = (selector: string) => ($(selector) as HTMLButtonElement).disabled;

beforeEach(() => {
  document.body.replaceChildren();
  installFakeIpc();
});

describe("create dialog", () => {
  it("name validation explains a bad character as you type, and blocks submit", () => {
    openCreateDialog(fakeContext());
    expect($("#create-name-problem").textContent).toBe("");
    expect(disabled("#create-submit")).toBe(true);
    type("#create-name", "deploy hook");
    expect($("#create-name-problem").textContent).toMatch(/A space is not allowed/);
    expect($("#create-name").getAttribute("aria-invalid")).toBe("true");
    expect(disabled("#create-submit")).toBe(true);
    type("#create-name", "deploy-hook");
    expect($("#create-name-problem").textContent).toBe("");
    expect(disabled("#create-submit")).toBe(false);
  });

  it("says a name is too long", () => {
    openCreateDialog(fakeContext());
    type("#create-name", "a".repeat(70));
    expect($("#create-name-problem").textContent).toBe("Too long: 70 characters, the limit is 64.");
  });

  it("refuses a name already in the list before asking the server", () => {
    openCreateDialog(fakeContext([secret("deploy-hook")]));
    type("#create-name", "deploy-hook");
    expect($("#create-name-problem").textContent).toMatch(/already exists/);
    expect(disabled("#create-submit")).toBe(true);
  });

  it("shows secret_already_exists from the server inline, under the name", async () => {
    on("create_secret", () => {
      throw { code: "secret_already_exists", message: "A signing secret with that name already exists." };
    });
    openCreateDialog(fakeContext());
    type("#create-name", "other");
    submit("#create-name");
    await flush();
    expect($("#create-name-problem").textContent).toBe("A signing secret with that name already exists.");
    expect($("#create-dialog").hasAttribute("open")).toBe(true);
    type("#create-name", "other2");
    expect($("#create-name-problem").textContent).toBe("");
  });

  it("creates and opens the copy-once dialog", async () => {
    on("create_secret", ({ name }) => issued(name));
    const context = fakeContext();
    openCreateDialog(context);
    type("#create-name", "new-hook");
    submit("#create-name");
    await flush();
    expect(calls("create_secret")).toEqual([{ account: aliceRef, name: "new-hook" }]);
    expect(document.getElementById("create-dialog")).toBeNull();
    expect($("#token-dialog").hasAttribute("open")).toBe(true);
    expect(context.reload).toHaveBeenCalled();
  });

  it("a lost answer opens the outcome-unknown dialog instead of retrying", async () => {
    on("create_secret", lost);
    openCreateDialog(fakeContext());
    type("#create-name", "new-hook");
    submit("#create-name");
    await flush();
    expect($("#unknown-dialog").hasAttribute("open")).toBe(true);
    expect(calls("create_secret")).toHaveLength(1);
  });
});

describe("rotate dialog", () => {
  it("says the current token stops working immediately", () => {
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    expect($("#rotate-dialog").textContent).toContain("The current token stops working immediately.");
  });

  it("rotate submit stays disabled until the typed name matches", () => {
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    expect(disabled("#rotate-submit")).toBe(true);
    type("#rotate-confirm-name", "deploy-hoo");
    expect(disabled("#rotate-submit")).toBe(true);
    type("#rotate-confirm-name", "Deploy-Hook");
    expect(disabled("#rotate-submit")).toBe(true);
    type("#rotate-confirm-name", "deploy-hook");
    expect(disabled("#rotate-submit")).toBe(false);
    submit("#rotate-confirm-name");
    expect(calls("rotate_secret")).toEqual([{ account: aliceRef, secretId: "deploy-hook", confirmName: "deploy-hook", secondFactor: null }]);
  });

  it("does not send anything when submitted without a match", () => {
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    type("#rotate-confirm-name", "nope");
    submit("#rotate-confirm-name");
    expect(calls("rotate_secret")).toEqual([]);
  });

  it("rotates and shows the new token once", async () => {
    on("rotate_secret", ({ secretId }) => issued(secretId));
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    expect(document.getElementById("rotate-dialog")).toBeNull();
    expect(($("#token-value") as HTMLInputElement).value).toBe("wsk_new");
  });

  it("stays open while the request is out, even on Escape", () => {
    on("rotate_secret", () => new Promise(() => {}));
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    press($("#rotate-dialog"), "Escape");
    expect($("#rotate-dialog").hasAttribute("open")).toBe(true);
    expect($("#rotate-submit").textContent).toBe("Rotating…");
  });

  it("shows other errors as the Rust side's sentence and lets the user try again", async () => {
    on("rotate_secret", () => {
      throw { code: "service_unreachable", message: "wisp.place could not be reached. Nothing was changed." };
    });
    openRotateDialog(fakeContext(), secret("deploy-hook"));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    expect($("#rotate-error").textContent).toBe("wisp.place could not be reached. Nothing was changed.");
    expect(disabled("#rotate-submit")).toBe(false);
  });

  it("offers re-authorization when permission is missing", async () => {
    on("rotate_secret", () => {
      throw { code: "permission_missing", message: "This sign-in may not rotate secrets." };
    });
    const context = fakeContext();
    openRotateDialog(context, secret("deploy-hook"));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    expect(context.permissionMissing).toHaveBeenCalled();
  });
});

describe("outcome unknown", () => {
  const before = "2024-02-01T00:00:00Z";

  async function lostRotation(after: string | null) {
    on("rotate_secret", lost);
    const context = fakeContext([secret("deploy-hook", { lastRotatedAt: before })], () => [secret("deploy-hook", { lastRotatedAt: after })]);
    openRotateDialog(context, secret("deploy-hook", { lastRotatedAt: before }));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    return context;
  }

  it("says honestly that the old token may already be dead, and never retries", async () => {
    await lostRotation(before);
    const dialog = $("#unknown-dialog");
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(dialog.textContent).toContain("the old token has already stopped working");
    expect(dialog.textContent).toContain("The request was sent but no answer came back.");
    await flush(5);
    expect(calls("rotate_secret")).toHaveLength(1);
  });

  it("an answer that came back unusable is not told as no answer, and gets the same dialog", async () => {
    const unusable = 'The rotation of "deploy-hook" was sent and an answer came back, but Wispkey could not read it, so it may have happened.';
    on("rotate_secret", () => {
      throw { code: "outcome_unknown", message: unusable };
    });
    openRotateDialog(fakeContext([secret("deploy-hook")]), secret("deploy-hook"));
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    expect($("#unknown-dialog").hasAttribute("open")).toBe(true);
    expect($("#unknown-what-came-back").textContent).toBe(unusable);
    expect($("#unknown-explain").textContent).not.toContain("no answer came back");
    expect($("#unknown-check")).toBeTruthy();
  });

  it("check the list reports a rotation that happened, with before and after", async () => {
    const context = await lostRotation("2024-05-01T10:00:00Z");
    $("#unknown-check").click();
    await flush();
    expect(context.reload).toHaveBeenCalledOnce();
    const result = $("#unknown-result");
    expect(result.dataset.outcome).toBe("changed");
    expect(result.textContent).toContain("Last rotated before the attempt: February 1, 2024");
    expect(result.textContent).toContain("Last rotated now: May 1, 2024");
    expect(result.textContent).toContain("It was rotated");
  });

  it("where the provider never reports rotations, check the list says it cannot tell", async () => {
    const note = "Slate does not report when a secret was rotated.";
    on("rotate_secret", lost);
    const row = secret("deploy-hook", { lastRotatedNote: note });
    const context = fakeContext([row], () => [row]);
    openRotateDialog(context, row);
    type("#rotate-confirm-name", "deploy-hook");
    submit("#rotate-confirm-name");
    await flush();
    $("#unknown-check").click();
    await flush();
    const result = $("#unknown-result");
    expect(result.dataset.outcome).toBe("unreported");
    expect(result.textContent).toContain(note);
    expect(result.textContent).toContain("cannot tell whether this rotate happened");
    expect(result.textContent).not.toContain("It was not rotated");
  });

  it("check the list reports a rotation that did not happen", async () => {
    await lostRotation(before);
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-result").dataset.outcome).toBe("unchanged");
    expect($("#unknown-result").textContent).toContain("the current token still works");
  });

  it("rotate again goes through the confirmation again", async () => {
    await lostRotation("2024-05-01T10:00:00Z");
    $("#unknown-rotate-again").click();
    expect(document.getElementById("unknown-dialog")).toBeNull();
    expect($("#rotate-dialog").hasAttribute("open")).toBe(true);
    expect(disabled("#rotate-submit")).toBe(true);
    expect(calls("rotate_secret")).toHaveLength(1);
  });
});

describe("outcome unknown after delete or create", () => {
  it("delete: checking shows the secret is still there, and offers no rotate", async () => {
    on("delete_secret", lost);
    const context = fakeContext([secret("deploy-hook")]);
    openDeleteDialog(context, secret("deploy-hook"));
    type("#delete-confirm-name", "deploy-hook");
    submit("#delete-confirm-name");
    await flush();
    expect($("#unknown-dialog-title").textContent).toBe("Was “deploy-hook” deleted?");
    expect($("#unknown-rotate-again").hidden).toBe(true);
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-result").dataset.outcome).toBe("exists");
    expect($("#unknown-result").textContent).toContain("it was not deleted");
  });

  it("create: checking finds the secret, whose token was lost, and offers to rotate it", async () => {
    on("create_secret", lost);
    const context = fakeContext([], () => [secret("new-hook")]);
    openCreateDialog(context);
    type("#create-name", "new-hook");
    submit("#create-name");
    await flush();
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-result").dataset.outcome).toBe("exists");
    expect($("#unknown-rotate-again").hidden).toBe(false);
    $("#unknown-close").click();
    expect(document.getElementById("unknown-dialog")).toBeNull();
    expect(calls("create_secret")).toHaveLength(1);
  });

  it("a failed check says why, in the Rust side's words", async () => {
    on("rotate_secret", lost);
    const context = fakeContext([secret("a")]);
    context.reload.mockImplementation(() => Promise.reject({ code: "pds_unreachable", message: "Your PDS could not be reached." }));
    openRotateDialog(context, secret("a"));
    type("#rotate-confirm-name", "a");
    submit("#rotate-confirm-name");
    await flush();
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-result").textContent).toBe("Your PDS could not be reached.");
  });
});

describe("delete dialog", () => {
  it("asks for the name and, for a stored token, offers to remove the local copy (checked)", async () => {
    on("delete_secret", () => ({ localCopyRemoved: true }));
    openDeleteDialog(fakeContext(), secret("deploy-hook", { storedLocally: true }));
    expect(($("#delete-local-copy") as HTMLInputElement).checked).toBe(true);
    expect(disabled("#delete-submit")).toBe(true);
    type("#delete-confirm-name", "deploy-hook");
    submit("#delete-confirm-name");
    await flush();
    expect(calls("delete_secret")).toEqual([
      { account: aliceRef, secretId: "deploy-hook", confirmName: "deploy-hook", removeLocalCopy: true },
    ]);
    expect(document.getElementById("delete-dialog")).toBeNull();
  });

  it("keeps the local copy when unticked, and has no checkbox without one", async () => {
    on("delete_secret", () => ({ localCopyRemoved: false }));
    openDeleteDialog(fakeContext(), secret("a", { storedLocally: true }));
    ($("#delete-local-copy") as HTMLInputElement).checked = false;
    type("#delete-confirm-name", "a");
    submit("#delete-confirm-name");
    await flush();
    expect(calls("delete_secret")[0]?.removeLocalCopy).toBe(false);

    openDeleteDialog(fakeContext(), secret("b"));
    expect(document.getElementById("delete-local-copy")).toBeNull();
  });
});

describe("forget local copy", () => {
  it("asks before forgetting, then updates the row", async () => {
    on("forget_stored_token", () => null);
    const context = fakeContext();
    openForgetDialog(context, secret("deploy-hook", { storedLocally: true }));
    expect(document.activeElement?.id).toBe("forget-cancel");
    expect(calls("forget_stored_token")).toEqual([]);
    $("#forget-submit").click();
    await flush();
    expect(calls("forget_stored_token")).toEqual([{ account: aliceRef, secretId: "deploy-hook" }]);
    expect(context.updateRow).toHaveBeenCalledWith("deploy-hook", { storedLocally: false });
  });
});

describe("settings dialog", () => {
  it("validates inline and saves", async () => {
    on("get_preferences", () => ({ clipboardClearSeconds: 45, ageWarningDays: 30 }));
    on("save_preferences", ({ preferences }) => preferences);
    const context = fakeContext();
    openSettingsDialog(context);
    await flush();
    expect(($("#settings-clear-seconds") as HTMLInputElement).value).toBe("45");
    type("#settings-clear-seconds", "900");
    expect($("#settings-clear-seconds-problem").textContent).toBe("Use 0 to 600 seconds.");
    expect(disabled("#settings-save")).toBe(true);
    type("#settings-clear-seconds", "0");
    type("#settings-age-days", "0");
    expect($("#settings-age-days-problem").textContent).toBe("Use 1 to 3650 days.");
    type("#settings-age-days", "120");
    expect(disabled("#settings-save")).toBe(false);
    submit("#settings-age-days");
    await flush();
    expect(calls("save_preferences")).toEqual([{ preferences: { clipboardClearSeconds: 0, ageWarningDays: 120 } }]);
    expect(context.preferencesChanged).toHaveBeenLastCalledWith({ clipboardClearSeconds: 0, ageWarningDays: 120 });
    expect(document.getElementById("settings-dialog")).toBeNull();
  });

  it("a late answer from Rust never overwrites what the user typed", async () => {
    let answer: (value: { clipboardClearSeconds: number; ageWarningDays: number }) => void = () => {};
    on("get_preferences", () => new Promise((resolve) => (answer = resolve)));
    openSettingsDialog(fakeContext());
    type("#settings-clear-seconds", "12");
    answer({ clipboardClearSeconds: 45, ageWarningDays: 30 });
    await flush();
    expect(($("#settings-clear-seconds") as HTMLInputElement).value).toBe("12");
  });

  it("shows the Rust side's refusal", async () => {
    on("get_preferences", () => ({ clipboardClearSeconds: 30, ageWarningDays: 90 }));
    on("save_preferences", () => {
      throw { code: "invalid_settings", message: "The settings file could not be written." };
    });
    openSettingsDialog(fakeContext());
    await flush();
    submit("#settings-age-days");
    await flush();
    expect($("#settings-error").textContent).toBe("The settings file could not be written.");
  });
});

describe("what a rotate or delete affects", () => {
  it("rotate names the webhooks the secret signs, marking disabled ones", async () => {
    on("secret_dependents", ({ secretId }) => [
      { url: `https://ci.example/${secretId}`, enabled: true },
      { url: "https://old.example/hook", enabled: false },
    ]);
    openRotateDialog(fakeContext(), secret("deploy"));
    await flush();
    const note = $("#rotate-dependents").textContent ?? "";
    expect(note).toContain("2 webhooks use it");
    expect(note).toContain("https://ci.example/deploy");
    expect(note).toContain("https://old.example/hook (disabled)");
  });

  it("delete says when no webhook names the secret", async () => {
    on("secret_dependents", () => []);
    openDeleteDialog(fakeContext(), secret("deploy"));
    await flush();
    expect($("#delete-dependents").textContent).toMatch(/No webhook/);
  });

  it("a failed check says so and leaves the confirmation usable", async () => {
    on("secret_dependents", () => {
      throw { code: "pds_unreachable", message: "Your PDS could not be reached." };
    });
    openRotateDialog(fakeContext(), secret("deploy"));
    await flush();
    expect($("#rotate-dependents").textContent).toMatch(/Could not check .*could not be reached/);
    type("#rotate-confirm-name", "deploy");
    expect(disabled("#rotate-submit")).toBe(false);
  });
});

describe("dialogs render from the provider's descriptor", () => {
  // Keyring Cloud's ids are numbers and its names may repeat: the id goes with the name.
  const keyring = (rows: ReturnType<typeof secret>[] = []) => fakeContext(rows, undefined, rotateOnly);
  const numbered = secret("deploy", { id: "42" });

  it("a provider without idIsName shows the id in the rotate confirmation, and rotates by id", async () => {
    on("rotate_secret", ({ secretId }) => ({ ...issued("deploy"), id: secretId }));
    openRotateDialog(keyring([numbered]), numbered);
    expect($("#rotate-dialog-title").textContent).toBe("Rotate “deploy” (token id 42)?");
    // The warning and the value's name are the provider's: here a webhook secret dies, not a token.
    expect($("#rotate-warning").textContent).toBe("The current webhook secret stops working immediately.");
    expect($("#rotate-explain").textContent).toContain("paste the new webhook secret into it");
    // The user still types the name they read.
    type("#rotate-confirm-name", "deploy");
    submit("#rotate-confirm-name");
    await flush();
    expect(calls("rotate_secret")).toEqual([{ account: aliceRef, secretId: "42", confirmName: "deploy", secondFactor: null }]);
    expect($("#token-dialog-title").textContent).toBe("New webhook secret for “deploy” (token id 42)");
  });

  it("for wisp.place (ids are names) nothing but the name is shown", () => {
    openRotateDialog(fakeContext([secret("deploy")]), secret("deploy"));
    expect($("#rotate-dialog-title").textContent).toBe("Rotate “deploy”?");
  });

  it("a provider that cannot say what depends on a secret gets no dependents note", async () => {
    openRotateDialog(keyring([numbered]), numbered);
    await flush();
    expect(document.getElementById("rotate-dependents")).toBeNull();
    expect(calls("secret_dependents")).toEqual([]);
    expect($("#rotate-dialog").getAttribute("aria-describedby")).toBe("rotate-warning rotate-explain");
  });

  it("delete and forget say what happens in the provider's words", () => {
    on("secret_dependents", () => []);
    openDeleteDialog(keyring([numbered]), numbered);
    expect($("#delete-warning").textContent).toBe("This cannot be undone. “deploy” (token id 42) is revoked on Keyring Cloud.");
    press($("#delete-dialog"), "Escape");
    openForgetDialog(keyring([numbered]), { ...numbered, storedLocally: true });
    expect($("#forget-explain").textContent).toBe("Its token is removed from this computer’s keychain only.");
  });

  it("create checks names against the provider's rule and says its words", () => {
    const rule = {
      maxLength: 8,
      allowedCharacters: "a-z",
      reserved: [],
      help: "Lower-case letters; up to 8.",
      reasons: { empty: "Name it.", reserved: "{name} is reserved.", charactersAllowed: "not allowed here.", tooLong: "Over {max}." },
    };
    const strict: ProviderDescriptor = { ...wisp, nameRule: rule, words: { ...wisp.words, createIntro: "A new secret at Strict." } };
    openCreateDialog(fakeContext([], undefined, strict));
    expect($("#create-dialog").textContent).toContain("A new secret at Strict.");
    expect($("#create-name-help").textContent).toBe("Lower-case letters; up to 8.");
    type("#create-name", "deploy-hook");
    expect($("#create-name-problem").textContent).toBe("“-” is not allowed here. Over 8.");
    type("#create-name", "deploy");
    expect(disabled("#create-submit")).toBe(false);
  });

  it("where names are not ids, a name already in the list may be used again", () => {
    const open: ProviderDescriptor = { ...rotateOnly, operations: ["list", "create", "rotate"] };
    openCreateDialog(fakeContext([numbered], undefined, open));
    type("#create-name", "deploy");
    expect($("#create-name-problem").textContent).toBe("");
    expect(disabled("#create-submit")).toBe(false);
  });

  it("outcome unknown offers no rotate where the account may not rotate", async () => {
    const noRotate = { ...account, capabilities: ["list" as const, "create" as const, "delete" as const] };
    on("create_secret", lost);
    openCreateDialog(fakeContext([], () => [secret("new-hook")], wisp, noRotate));
    type("#create-name", "new-hook");
    submit("#create-name");
    await flush();
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-result").dataset.outcome).toBe("exists");
    expect($("#unknown-rotate-again").hidden).toBe(true);
  });

  it("after a lost create where ids are not names, the check finds the secret by name and rotate uses its id", async () => {
    const open: ProviderDescriptor = { ...rotateOnly, operations: ["list", "create", "rotate"] };
    on("create_secret", lost);
    openCreateDialog(fakeContext([], () => [numbered], open));
    type("#create-name", "deploy");
    submit("#create-name");
    await flush();
    expect($("#unknown-dialog-title").textContent).toBe("Was “deploy” created?");
    expect($("#unknown-rotate-again").hidden).toBe(true);
    $("#unknown-check").click();
    await flush();
    expect($("#unknown-rotate-again").hidden).toBe(false);
    $("#unknown-rotate-again").click();
    expect($("#rotate-dialog-title").textContent).toBe("Rotate “deploy” (token id 42)?");
  });
});

describe("store a secret rotated elsewhere", () => {
  it("explains what the pasted secret becomes, in a paste-friendly password field", () => {
    openStoreDialog(fakeContext(), secret("deploy-hook", { storedLocally: true }));
    const dialog = $("#store-dialog");
    expect(dialog.textContent).toContain("becomes this computer’s stored copy for that secret, replacing any copy stored now");
    const field = $("#store-secret") as HTMLInputElement;
    expect(field.type).toBe("password");
    expect(field.getAttribute("autocomplete")).toBe("off");
    expect(field.hasAttribute("maxlength")).toBe(false);
    expect(document.activeElement).toBe(field);
    expect($('label[for="store-secret"]').textContent).toBe("New secret");
    $("#store-reveal").click();
    expect(field.type).toBe("text");
    expect($("#store-reveal").getAttribute("aria-pressed")).toBe("true");
  });

  it("sends the trimmed paste to store_pasted_secret and marks the row stored", async () => {
    on("store_pasted_secret", () => null);
    const context = fakeContext([secret("42", { name: "deploy" })], undefined, rotateOnly);
    openStoreDialog(context, secret("deploy", { id: "42" }));
    expect($("#store-dialog-title").textContent).toBe("Store a secret for “deploy” (token id 42)");
    type("#store-secret", "  whsec_new\n");
    submit("#store-secret");
    await flush();
    expect(calls("store_pasted_secret")).toEqual([{ account: aliceRef, secretId: "42", secret: "whsec_new" }]);
    expect(context.updateRow).toHaveBeenCalledWith("42", { storedLocally: true });
    expect(document.getElementById("store-dialog")).toBeNull();
  });

  it("refuses an empty paste without a call, and shows the Rust side's refusal inline", async () => {
    on("store_pasted_secret", () => {
      throw { code: "keychain_locked", message: "Your keychain is locked. Unlock it and try again." };
    });
    const context = fakeContext();
    openStoreDialog(context, secret("deploy-hook"));
    submit("#store-secret");
    expect(calls("store_pasted_secret")).toEqual([]);
    expect($("#store-error").textContent).toBe("Paste the new secret first.");
    type("#store-secret", "whsec_new");
    submit("#store-secret");
    await flush();
    expect($("#store-error").textContent).toBe("Your keychain is locked. Unlock it and try again.");
    expect($("#store-dialog").hasAttribute("open")).toBe(true);
    expect(context.updateRow).not.toHaveBeenCalled();
    expect(disabled("#store-submit")).toBe(false);
  });

  it("empties the field when the dialog closes", () => {
    openStoreDialog(fakeContext(), secret("deploy-hook"));
    const field = $("#store-secret") as HTMLInputElement;
    type("#store-secret", "whsec_new");
    press($("#store-dialog"), "Escape");
    expect(document.getElementById("store-dialog")).toBeNull();
    expect(field.value).toBe("");
  });
});

describe("a second factor in the rotate dialog", () => {
  const numbered = secret("deploy", { id: "42" });
  const required = { code: "second_factor_required", message: "Keyring Cloud asks for your two-factor code. Nothing was rotated." };
  const invalid = { code: "second_factor_invalid", message: "The two-factor code was not accepted." };

  /** Rotate confirmed by name; the provider refuses it without a code and answers a code with `then`. */
  async function refusedFirst(then: (secondFactor: string | null) => unknown) {
    on("rotate_secret", ({ secondFactor }) => {
      if (secondFactor === null) throw required;
      return then(secondFactor) as IssuedSecret;
    });
    const context = fakeContext([numbered], undefined, rotateOnly);
    openRotateDialog(context, numbered);
    type("#rotate-confirm-name", "deploy");
    submit("#rotate-confirm-name");
    await flush();
    return context;
  }

  it("second_factor_required shows the code field in the same dialog, focused, and sends nothing more on its own", async () => {
    await refusedFirst(() => issued("deploy"));
    expect($("#rotate-dialog").hasAttribute("open")).toBe(true);
    const field = $("#rotate-second-factor") as HTMLInputElement;
    expect(field.closest("[hidden]")).toBeNull();
    expect(document.activeElement).toBe(field);
    expect(field.getAttribute("inputmode")).toBe("numeric");
    expect(field.getAttribute("autocomplete")).toBe("one-time-code");
    expect($('label[for="rotate-second-factor"]').textContent).toBe("Two-factor code");
    expect($("#rotate-second-factor-help").textContent).toBe("The 6-digit code from your authenticator app.");
    expect($("#rotate-second-factor-asked").textContent).toBe(required.message);
    expect($("#rotate-submit").textContent).toBe("Rotate with code");
    await flush(5);
    expect(calls("rotate_secret")).toHaveLength(1);
  });

  it("a pasted \"123 456\" is sent as \"123456\", only when the user submits, and success shows the token once", async () => {
    await refusedFirst(() => ({ ...issued("deploy"), id: "42" }));
    type("#rotate-second-factor", "123 456");
    expect(calls("rotate_secret")).toHaveLength(1);
    $("#rotate-submit").click();
    await flush();
    expect(calls("rotate_secret")).toEqual([
      { account: aliceRef, secretId: "42", confirmName: "deploy", secondFactor: null },
      { account: aliceRef, secretId: "42", confirmName: "deploy", secondFactor: "123456" },
    ]);
    expect(document.getElementById("rotate-dialog")).toBeNull();
    expect(($("#token-value") as HTMLInputElement).value).toBe("wsk_new");
  });

  it("a code with the wrong number of digits is refused before asking the provider", async () => {
    await refusedFirst(() => issued("deploy"));
    type("#rotate-second-factor", "12-345");
    submit("#rotate-second-factor");
    await flush();
    expect(calls("rotate_secret")).toHaveLength(1);
    expect($("#rotate-error").textContent).toBe("Type the 6-digit code.");
    expect(($("#rotate-second-factor") as HTMLInputElement).value).toBe("12-345");
    expect($("#rotate-second-factor").getAttribute("aria-invalid")).toBe("true");
  });

  it("a wrong code says it was not accepted, empties and refocuses the field, and another try works", async () => {
    let tries = 0;
    await refusedFirst(() => {
      tries++;
      if (tries === 1) throw invalid;
      return issued("deploy");
    });
    type("#rotate-second-factor", "111-111");
    submit("#rotate-second-factor");
    await flush();
    expect($("#rotate-dialog").hasAttribute("open")).toBe(true);
    expect($("#rotate-error").textContent).toMatch(/not accepted/);
    const field = $("#rotate-second-factor") as HTMLInputElement;
    expect(field.value).toBe("");
    expect(document.activeElement).toBe(field);
    expect(disabled("#rotate-submit")).toBe(false);
    expect($("#rotate-submit").textContent).toBe("Rotate with code");
    type("#rotate-second-factor", "222333");
    expect($("#rotate-error").textContent).toBe("");
    submit("#rotate-second-factor");
    await flush();
    expect(calls("rotate_secret").map((args) => args.secondFactor)).toEqual([null, "111111", "222333"]);
    expect($("#token-dialog").hasAttribute("open")).toBe(true);
  });

  it("a lost answer after the code still opens the outcome-unknown dialog", async () => {
    await refusedFirst(() => lost());
    type("#rotate-second-factor", "123456");
    submit("#rotate-second-factor");
    await flush();
    expect(document.getElementById("rotate-dialog")).toBeNull();
    expect($("#unknown-dialog").hasAttribute("open")).toBe(true);
    expect(calls("rotate_secret")).toHaveLength(2);
  });

  it("the code leaves the page with the dialog", async () => {
    await refusedFirst(() => issued("deploy"));
    const field = $("#rotate-second-factor") as HTMLInputElement;
    type("#rotate-second-factor", "123456");
    $("#rotate-cancel").click();
    expect(document.getElementById("rotate-dialog")).toBeNull();
    expect(field.value).toBe("");
  });
});

describe("a rotation that came back without a secret", () => {
  const numbered = secret("deploy", { id: "42" });

  async function rotatedWithoutSecret() {
    on("rotate_secret", () => {
      throw { code: "rotated_without_secret", message: "Keyring Cloud rotated the secret but sent no new one." };
    });
    const context = fakeContext([numbered], undefined, rotateOnly);
    openRotateDialog(context, numbered);
    type("#rotate-confirm-name", "deploy");
    submit("#rotate-confirm-name");
    await flush();
    return context;
  }

  it("closes the rotate dialog, says the old secret is dead, and refreshes the list", async () => {
    const context = await rotatedWithoutSecret();
    expect(document.getElementById("rotate-dialog")).toBeNull();
    const dialog = $("#rotated-dialog");
    expect(dialog.hasAttribute("open")).toBe(true);
    expect(dialog.textContent).toContain("The rotation happened: the old secret no longer works.");
    expect(dialog.textContent).toContain("Keyring Cloud rotated the secret but sent no new one.");
    expect(document.activeElement?.id).toBe("rotated-store");
    expect(context.reload).toHaveBeenCalled();
    expect(document.getElementById("token-dialog")).toBeNull();
  });

  it("offers Store a secret rotated elsewhere, which opens the store dialog for that secret", async () => {
    on("store_pasted_secret", () => null);
    const context = await rotatedWithoutSecret();
    expect($("#rotated-store").textContent).toBe("Store a secret rotated elsewhere");
    $("#rotated-store").click();
    expect(document.getElementById("rotated-dialog")).toBeNull();
    expect($("#store-dialog-title").textContent).toBe("Store a secret for “deploy” (token id 42)");
    type("#store-secret", "whsec_from_dashboard");
    submit("#store-secret");
    await flush();
    expect(calls("store_pasted_secret")).toEqual([{ account: aliceRef, secretId: "42", secret: "whsec_from_dashboard" }]);
    expect(context.updateRow).toHaveBeenCalledWith("42", { storedLocally: true });
  });
});
