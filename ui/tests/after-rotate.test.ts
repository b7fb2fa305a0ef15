import { beforeEach, describe, expect, it, vi } from "vitest";
import type { HistoryEntry, SignatureReport } from "../src/bindings";
import { openHistoryDialog } from "../src/views/history-dialog";
import { openReceiverDialog } from "../src/views/receiver-dialog";
import { checkOverdue, reminderBanner, reminderSnoozedElsewhere } from "../src/views/reminder-banner";
import { openTesterDialog } from "../src/views/tester-dialog";
import { fakeContext } from "./context";
import { $, aliceRef, calls, flush, installFakeIpc, on, secret, submit, type } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

beforeEach(() => {
  document.body.replaceChildren();
  installFakeIpc();
  on("signature_schemes", () => [
    { scheme: "wispPlace", label: "Scheme A" },
    { scheme: "phalaCloud", label: "Scheme B" },
    { scheme: "standardWebhooks", label: "Standard Webhooks / Svix" },
  ]);
});

const mismatch: SignatureReport = {
  scheme: "wispPlace",
  valid: false,
  signatureMatches: false,
  failures: [{ kind: "signatureMismatch" }],
  hints: [{ kind: "trailingNewlineAdded" }],
  sentences: ["The signature does not match this secret and body.", "It matches without the body's trailing newline."],
};

describe("signature tester", () => {
  it("checks a raw request with a stored secret it never sees, and shows each failure and cause", async () => {
    on("verify_delivery", () => mismatch);
    openTesterDialog(fakeContext(), [secret("hook", { storedLocally: true }), secret("other")]);
    await flush();
    expect(($("#tester-scheme") as HTMLSelectElement).value).toBe("wispPlace");
    type("#tester-raw", "POST / HTTP/1.1\nX-Webhook-Signature: sha256=ab\n\n{}\n");
    submit("#tester-check");
    await flush();
    expect(calls("verify_delivery")).toEqual([
      {
        scheme: "wispPlace",
        rawRequest: "POST / HTTP/1.1\nX-Webhook-Signature: sha256=ab\n\n{}\n",
        headers: "",
        body: "",
        account: aliceRef,
        secretId: "hook",
        pastedSecret: null,
      },
    ]);
    const result = $("#tester-result");
    expect(result.textContent).toContain("Not valid");
    expect(result.querySelectorAll("li")).toHaveLength(2);
    expect(result.textContent).toContain("trailing newline");
  });

  it("with no stored secret it asks for a pasted one, and the pasted one leaves with the dialog", async () => {
    on("verify_delivery", () => ({ ...mismatch, valid: true, signatureMatches: true, failures: [], hints: [], sentences: [] }));
    const modal = openTesterDialog(fakeContext(), [secret("hook")]);
    submit("#tester-check");
    expect($("#tester-error").textContent).toMatch(/Paste the secret/);
    expect(calls("verify_delivery")).toHaveLength(0);
    type("#tester-pasted", "  wsk_pasted  ");
    submit("#tester-check");
    await flush();
    expect(calls("verify_delivery")[0]).toMatchObject({ pastedSecret: "wsk_pasted", account: null, secretId: null });
    expect($("#tester-result").textContent).toContain("Valid");
    const pasted = $("#tester-pasted") as HTMLInputElement;
    modal.close();
    expect(pasted.value).toBe("");
  });
});

describe("receiver test", () => {
  it("prefills the provider's URL and sends exactly one delivery per click, showing status and time", async () => {
    on("receiver_test_plan", () => ({ scheme: "wispPlace", suggestedUrls: ["https://hooks.example/wisp"], storedLocally: true }));
    on("test_receiver", () => ({ origin: "https://hooks.example", scheme: "wispPlace", status: 204, accepted: true, elapsedMs: 42, deliveryId: "d1" }));
    openReceiverDialog(fakeContext(), secret("hook", { storedLocally: true }));
    await flush();
    expect(($("#receiver-url") as HTMLInputElement).value).toBe("https://hooks.example/wisp");
    expect(calls("test_receiver")).toHaveLength(0);
    submit("#receiver-send");
    submit("#receiver-send");
    await flush();
    expect(calls("test_receiver")).toEqual([{ account: aliceRef, secretId: "hook", url: "https://hooks.example/wisp" }]);
    expect($("#receiver-result").textContent).toBe("HTTP 204 in 42 ms: the receiver accepted the test delivery.");
  });

  it("says why nothing can be sent when the provider's signing is unknown", async () => {
    on("receiver_test_plan", () => ({ scheme: null, suggestedUrls: [], storedLocally: true }));
    openReceiverDialog(fakeContext(), secret("hook", { storedLocally: true }));
    await flush();
    expect($("#receiver-error").textContent).toMatch(/does not document how it signs/);
    expect(($("#receiver-send") as HTMLButtonElement).disabled).toBe(true);
  });
});

const entry = (seq: number, operation: HistoryEntry["operation"], outcome: HistoryEntry["outcome"]): HistoryEntry => ({
  seq,
  time: "2026-11-27T10:00:00.000Z",
  provider: "wisp",
  account: "did:plc:alice",
  secretId: "hook",
  operation,
  outcome,
  code: outcome === "failed" ? "service_failed" : null,
  note: null,
  prev: "0".repeat(64),
  hash: "1".repeat(64),
});

describe("history", () => {
  it("lists entries, filters through Rust, and reports the first broken link", async () => {
    on("history_entries", ({ filter }) =>
      [entry(2, "rotate", "failed"), entry(1, "create", "succeeded")].filter((e) => !filter.operation || e.operation === filter.operation),
    );
    on("verify_history", () => ({ intactEntries: 1, firstBroken: { line: 2, reason: "the line was edited." } }));
    openHistoryDialog();
    await flush();
    expect($("#history-rows").querySelectorAll("tr")).toHaveLength(2);
    expect($("#history-count").textContent).toBe("2 entries");
    const operation = $("#history-operation") as HTMLSelectElement;
    operation.value = "rotate";
    operation.dispatchEvent(new Event("change"));
    await flush();
    expect(calls("history_entries").at(-1)).toMatchObject({ filter: { operation: "rotate" } });
    expect($("#history-rows").textContent).toContain("failed (service failed)");
    $("#history-verify").click();
    await flush();
    expect($("#history-integrity").textContent).toContain("line 2 is the first broken link");
  });
});

describe("reminder", () => {
  it("shows Rust's count of overdue secrets and snoozes for a week", async () => {
    on("overdue_summary", () => ({ overdue: 3, uncheckedAccounts: 0, notification: "3 signing secrets are overdue for rotation." }));
    on("snooze_reminders", () => null);
    const banner = reminderBanner();
    document.body.append(banner);
    checkOverdue(banner);
    await flush();
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain("3 signing secrets are overdue");
    $("#reminder-snooze-week").click();
    await flush();
    expect(calls("snooze_reminders")).toEqual([{ days: 7 }]);
    expect(banner.hidden).toBe(true);
  });

  it("goes when the reminder is snoozed from the desktop notification, without asking Rust again", async () => {
    on("overdue_summary", () => ({ overdue: 2, uncheckedAccounts: 0, notification: "2 signing secrets are overdue for rotation." }));
    const banner = reminderBanner();
    document.body.append(banner);
    checkOverdue(banner);
    await flush();
    expect(banner.hidden).toBe(false);
    reminderSnoozedElsewhere(1);
    expect(banner.hidden).toBe(true);
    expect(calls("snooze_reminders")).toEqual([]);
  });

  it("stays hidden when nothing is overdue or the reminder is snoozed", async () => {
    on("overdue_summary", () => ({ overdue: 2, uncheckedAccounts: 0, notification: null }));
    const banner = reminderBanner();
    checkOverdue(banner);
    await flush();
    expect(banner.hidden).toBe(true);
  });
});
