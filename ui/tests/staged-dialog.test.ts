import { beforeEach, describe, expect, it, vi } from "vitest";
import type { StagedRotation, StagedStatus, StagedStep, Webhook } from "../src/bindings";
import { SecretList } from "../src/views/secret-list";
import { openStagedDialog } from "../src/views/staged-dialog";
import { fakeContext } from "./context";
import { $, aliceRef, calls, flush, installFakeIpc, on, rotateOnly, rowActions, secret, type, wisp } from "./ipc";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const hook = (rkey: string, secretId: string): Webhook => ({
  id: `at://did:plc:alice/place.wisp.v2.wh/${rkey}`,
  url: `https://example.com/${rkey}`,
  enabled: true,
  secretId,
});

function rotation(step: StagedStep, extra: Partial<StagedRotation> = {}): StagedRotation {
  return {
    account: aliceRef,
    oldId: "hook",
    oldName: "hook",
    newId: "hook-2",
    newName: "hook-2",
    step,
    receiverCheck: null,
    webhooks: [],
    setAside: [],
    lastFailure: null,
    startedAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

function status(step: StagedStep, extra: Partial<StagedStatus> = {}, rotationExtra: Partial<StagedRotation> = {}): StagedStatus {
  return {
    rotation: rotation(step, rotationExtra),
    nextStep: "the next step",
    onOld: [hook("a", "hook"), hook("b", "hook")],
    onNew: [],
    newTokenStored: true,
    canDeleteOld: false,
    ...extra,
  };
}

/** The fake Rust side holds one staged rotation at `current`. */
function staged(current: () => StagedStatus | null) {
  on("staged_rotations", () => {
    const now = current();
    return now ? [now.rotation] : [];
  });
  on("staged_status", () => {
    const now = current();
    if (!now) throw { code: "staged_rotation_missing", message: "No staged rotation." };
    return now;
  });
  on("staged_suggested_name", () => "hook-2");
}

beforeEach(() => {
  document.body.replaceChildren();
  installFakeIpc();
});

describe("staged rotation dialog", () => {
  it("starts with a derived, editable name and opens the copy-once dialog for the new secret", async () => {
    let now: StagedStatus | null = null;
    staged(() => now);
    on("staged_start", ({ newName }) => {
      now = status("created");
      return { id: newName, name: newName, issuedAt: "2026-01-01T00:00:00Z", token: "wsk_new", stored: true, storeError: null, also: [] };
    });
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect(($("#staged-new-name") as HTMLInputElement).value).toBe("hook-2");
    type("#staged-new-name", "bad name");
    expect(($("#staged-start") as HTMLButtonElement).disabled).toBe(true);
    type("#staged-new-name", "hook-next");
    $("#staged-start").click();
    await flush(6);
    expect(calls("staged_start")).toEqual([{ account: aliceRef, oldId: "hook", newName: "hook-next" }]);
    expect(document.querySelector("#token-dialog")).not.toBeNull();
    expect($("#staged-step").textContent).toMatch(/Deploy/);
  });

  it("offers one confirmed act per step and resumes at the saved step", async () => {
    let now = status("created");
    staged(() => now);
    on("staged_deployed", () => {
      now = status("deployed");
      return now.rotation;
    });
    on("staged_vouch_tested", () => {
      now = status("tested");
      return now.rotation;
    });
    on("staged_switch", () => {
      now = status("switched", { onOld: [], onNew: [hook("a", "hook-2")], canDeleteOld: true });
      return now.rotation;
    });
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect($("#staged-on-old").textContent).toMatch(/example.com\/a/);
    $("#staged-deployed").click();
    await flush(6);
    $("#staged-tested").click();
    await flush(6);
    // Untick b: only a is switched.
    ($("#staged-hook-1") as HTMLInputElement).checked = false;
    $("#staged-switch").click();
    await flush(6);
    expect(calls("staged_switch")).toEqual([{ account: aliceRef, oldId: "hook", chosen: [hook("a", "hook").id], one: false }]);
    expect($("#staged-step").textContent).toMatch(/Delete the old secret/);
  });

  it("tests the receiver with the new secret at a URL prefilled from the webhooks", async () => {
    let now = status("deployed");
    staged(() => now);
    on("staged_test_receiver", () => {
      now = status("tested");
      return { origin: "https://example.com", scheme: "wispPlace", status: 204, accepted: true, elapsedMs: 12, deliveryId: "wkt_1" };
    });
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect(($("#staged-test-url") as HTMLInputElement).value).toBe("https://example.com/a");
    $("#staged-test").click();
    await flush(6);
    expect(calls("staged_test_receiver")).toEqual([{ account: aliceRef, oldId: "hook", url: "https://example.com/a" }]);
    expect($("#staged-step").textContent).toMatch(/Switch webhooks/);
  });

  it("never offers delete while a webhook still names the old secret, and shows a failed switch", async () => {
    staged(() =>
      status("switching", {}, { webhooks: [{ id: "a", url: "https://example.com/a", switched: true }, { id: "b", url: "https://example.com/b", switched: false }], lastFailure: "The PDS refused the write." }),
    );
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect($("#staged-progress").textContent).toMatch(/1 of 2/);
    expect($("#staged-last-failure").textContent).toBe("The PDS refused the write.");
    expect(document.querySelector("#staged-delete-old")).toBeNull();

    document.body.replaceChildren();
    staged(() => status("switched", { canDeleteOld: false }));
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect(document.querySelector("#staged-delete-old")).toBeNull();
    expect(document.querySelector("#staged-keep-old")).not.toBeNull();
  });

  it("deletes the old secret only with its name typed", async () => {
    staged(() => status("switched", { onOld: [], canDeleteOld: true }));
    on("staged_finish", () => ({ oldDeleted: true, oldLocalCopyRemoved: true }));
    openStagedDialog(fakeContext([secret("hook")]), secret("hook"));
    await flush();
    expect(($("#staged-delete-old") as HTMLButtonElement).disabled).toBe(true);
    type("#staged-confirm-old", "hook");
    $("#staged-delete-old").click();
    await flush(6);
    expect(calls("staged_finish")).toEqual([{ account: aliceRef, oldId: "hook", deleteOldConfirmName: "hook" }]);
  });

  it("a missing permission to edit webhooks goes to the sign-in-again path", async () => {
    staged(() => status("switching", {}, { webhooks: [{ id: "a", url: "https://example.com/a", switched: false }] }));
    on("staged_switch", () => {
      throw { code: "scope_not_granted", message: "Your account did not grant Wispkey permission to edit your webhook records." };
    });
    const context = fakeContext([secret("hook")]);
    openStagedDialog(context, secret("hook"));
    await flush();
    $("#staged-switch").click();
    await flush(6);
    expect($("#staged-error").textContent).toMatch(/webhook records/);
    expect(context.permissionMissing).toHaveBeenCalled();
  });
});

describe("where staged rotation is offered", () => {
  const buttons = (stagedRotation: boolean) => {
    const list = new SecretList({ onAction: () => {}, ageWarningDays: 90, operations: ["list", "create", "rotate", "delete"], stagedRotation });
    document.body.append(list.element);
    list.setRows([secret("hook")]);
    return rowActions("hook");
  };

  it("rows offer it only when the provider's descriptor does", () => {
    expect(buttons(true)).toContain("staged");
    document.body.replaceChildren();
    expect(buttons(false)).not.toContain("staged");
    expect(wisp.stagedRotation).toBe(true);
    expect(rotateOnly.stagedRotation).toBe(false);
  });
});
