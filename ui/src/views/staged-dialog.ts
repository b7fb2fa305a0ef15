// Rotate without downtime (providers whose descriptor offers a staged rotation): a new secret
// beside the old one, deployed and tested at the receiver, the chosen webhooks switched to it one
// at a time, and only then the old secret deleted. Each step is its own button; the progress is
// saved by Rust after every step, so closing this (or Wispkey) and opening it again resumes.

import { call, type IpcError } from "../api";
import type { SecretRow, StagedStatus, StagedStep } from "../bindings";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h, quoted } from "../dom";
import { checkSecretName } from "../names";
import { announce } from "../status";
import { confirmNameField } from "./confirm-name";
import type { ScreenContext } from "./context";
import { openTokenDialog } from "./token-dialog";

const STEP_TITLES: Record<StagedStep, string> = {
  creating: "1. Create the new secret",
  created: "2. Deploy the new secret to your receiver",
  deployed: "3. Test your receiver with the new secret",
  tested: "4. Switch webhooks to the new secret",
  switching: "4. Switch webhooks to the new secret",
  switched: "5. Delete the old secret",
};

export function openStagedDialog(context: ScreenContext, row: SecretRow): Modal {
  const account = context.account.account;
  const oldId = row.id;
  const body = h("div", { id: "staged-body", class: "modal-form", "aria-live": "polite" });
  const error = dialogError("staged-error");
  const close = button("Close", { id: "staged-close" }, () => modal.close());
  let busy = false;

  const modal = openModal({
    id: "staged-dialog",
    title: `Rotate ${quoted(row.name)} without downtime`,
    content: [body, error, actionsRow(close)],
    fallbackFocus: () => context.fallbackFocus(row.id),
    onEscape: () => {
      if (!busy) modal.close();
    },
  });

  /** Runs one step: buttons off while it runs, its failure shown, then a fresh status. */
  async function step(work: () => Promise<unknown>) {
    if (busy) return;
    busy = true;
    error.textContent = "";
    body.setAttribute("aria-busy", "true");
    for (const control of body.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input")) control.disabled = true;
    try {
      await work();
    } catch (failure) {
      const ipc = failure as IpcError;
      error.textContent = ipc.message;
      if (ipc.code === "scope_not_granted" || ipc.code === "permission_missing") context.permissionMissing(ipc);
    } finally {
      busy = false;
      body.removeAttribute("aria-busy");
      if (!modal.closed) await refresh();
    }
  }

  async function refresh() {
    try {
      const rotations = await call("staged_rotations", { account });
      if (!rotations.some((rotation) => rotation.oldId === oldId)) {
        renderStart(await call("staged_suggested_name", { account, oldId }));
        return;
      }
      renderStatus(await call("staged_status", { account, oldId }));
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
    }
  }

  function renderStart(suggested: string) {
    const rule = context.provider.nameRule;
    const input = h("input", { id: "staged-new-name", type: "text", autocomplete: "off", spellcheck: "false" });
    input.value = suggested;
    const problem = h("p", { id: "staged-new-name-problem", class: "field-error", "aria-live": "polite" });
    const create = button("Create the new secret", { id: "staged-start", class: "primary" }, () =>
      void step(async () => {
        const issued = await call("staged_start", { account, oldId, newName: input.value });
        openTokenDialog(context, issued, "created");
        context.reload().catch(() => {});
      }),
    );
    const validate = () => {
      const checked = rule ? checkSecretName(input.value, rule) : { ok: input.value !== "", reason: "" };
      problem.textContent = checked.ok ? "" : checked.reason;
      create.disabled = !checked.ok;
    };
    input.addEventListener("input", validate);
    validate();
    body.replaceChildren(
      h("p", {}, `A plain rotate stops ${quoted(row.name)} at once. Here a second secret is made beside it; your webhooks keep signing with ${quoted(row.name)} until you switch them, and it is deleted only at the end.`),
      h("h3", {}, STEP_TITLES.creating),
      h("div", { class: "field" }, h("label", { for: "staged-new-name" }, "New secret's name"), input, problem),
      create,
    );
    input.focus();
  }

  function renderStatus(status: StagedStatus) {
    const rotation = status.rotation;
    const newName = quoted(rotation.newName);
    const oldName = quoted(rotation.oldName);
    const parts: (Node | string)[] = [
      h("p", { id: "staged-summary" }, `${oldName} → ${newName}. Next: ${status.nextStep}.`),
      h("h3", { id: "staged-step" }, STEP_TITLES[rotation.step]),
    ];
    if (rotation.lastFailure) parts.push(h("p", { id: "staged-last-failure", class: "warning-box", role: "alert" }, rotation.lastFailure));
    const webhookList = (id: string, label: string, hooks: StagedStatus["onOld"]) =>
      h(
        "div",
        { id },
        h("p", { class: "small" }, `${label}: ${hooks.length}`),
        hooks.length > 0 && h("ul", { class: "dependents" }, ...hooks.map((hook) => h("li", {}, h("code", {}, hook.url), hook.enabled ? "" : " (disabled)"))),
      );

    switch (rotation.step) {
      case "creating":
        parts.push(h("p", {}, `Creating ${newName} got no answer. Refresh the list: if it is there, rotate it to get a token you can see (nothing uses it yet); otherwise cancel and start again.`));
        break;
      case "created":
        parts.push(
          h("p", {}, `Add ${newName} to your receiver so it accepts deliveries signed with either secret. Keep ${oldName} there until the end.`),
          status.newTokenStored ? h("p", { class: "small" }, `Its token is in your keychain: use Copy stored token on ${newName}.`) : h("p", { class: "warning-box" }, `The token of ${newName} is not in this computer's keychain.`),
          webhookList("staged-on-old", `Webhooks using ${oldName}`, status.onOld),
          button("I added it to my receiver", { id: "staged-deployed", class: "primary" }, () => void step(() => call("staged_deployed", { account, oldId }))),
        );
        break;
      case "deployed": {
        const url = h("input", { id: "staged-test-url", type: "url", autocomplete: "off", spellcheck: "false" });
        url.value = status.onOld[0]?.url ?? "";
        const check = rotation.receiverCheck;
        parts.push(
          h("p", {}, `Send your receiver one test delivery signed with ${newName}. It must accept it before any webhook is switched.`),
          check && check.outcome === "refused" ? h("p", { id: "staged-test-refused", class: "warning-box", role: "alert" }, `The receiver answered HTTP ${check.status ?? "?"}: it does not accept ${newName} yet.`) : "",
          h("div", { class: "field" }, h("label", { for: "staged-test-url" }, "Receiver URL"), url),
          button("Send one test delivery", { id: "staged-test", class: "primary" }, () =>
            void step(async () => {
              const result = await call("staged_test_receiver", { account, oldId, url: url.value });
              announce(`The receiver answered HTTP ${result.status} in ${result.elapsedMs} ms.`);
            }),
          ),
          button("I tested it myself: it accepted the new secret", { id: "staged-tested" }, () => void step(() => call("staged_vouch_tested", { account, oldId }))),
        );
        break;
      }
      case "tested": {
        const boxes = status.onOld.map((hook, index) => {
          const box = h("input", { type: "checkbox", id: `staged-hook-${index}`, checked: true, "data-webhook": hook.id });
          return h("li", {}, box, h("label", { for: `staged-hook-${index}` }, " ", h("code", {}, hook.url)));
        });
        parts.push(
          h("p", {}, `Tick the webhooks to switch to ${newName}. They are switched one at a time; each one left unticked keeps ${oldName} (which then cannot be deleted).`),
          h("ul", { id: "staged-choose", class: "dependents" }, ...boxes),
          button("Switch the ticked webhooks", { id: "staged-switch", class: "primary" }, () => {
            const chosen = [...body.querySelectorAll<HTMLInputElement>("#staged-choose input:checked")].map((box) => box.dataset.webhook ?? "");
            void step(async () => {
              await call("staged_switch", { account, oldId, chosen, one: false });
              announce(`Webhooks switched to ${rotation.newName}.`);
            });
          }),
        );
        break;
      }
      case "switching": {
        const done = rotation.webhooks.filter((hook) => hook.switched).length;
        parts.push(
          h("p", { id: "staged-progress" }, `${done} of ${rotation.webhooks.length} chosen webhooks switched. The others still use ${oldName}, which your receiver still accepts.`),
          button("Continue switching", { id: "staged-switch", class: "primary" }, () => void step(() => call("staged_switch", { account, oldId, chosen: null, one: false }))),
        );
        break;
      }
      case "switched": {
        parts.push(webhookList("staged-on-new", `Webhooks using ${newName}`, status.onNew), webhookList("staged-on-old", `Webhooks still using ${oldName}`, status.onOld));
        const remove = h("button", { type: "button", id: "staged-delete-old", class: "danger" }, `Delete ${rotation.oldName}`);
        if (status.canDeleteOld) {
          const field = confirmNameField("staged-confirm-old", rotation.oldName, remove);
          remove.addEventListener("click", () =>
            void step(async () => {
              await call("staged_finish", { account, oldId, deleteOldConfirmName: field.input.value });
              announce(`${rotation.oldName} deleted. The staged rotation is finished.`);
              context.reload().catch(() => {});
              modal.close();
            }),
          );
          parts.push(h("p", {}, `No webhook uses ${oldName} any more. Deleting it stops its token immediately; remove it from your receiver afterwards.`), field.label, remove);
        } else {
          parts.push(h("p", { class: "warning-box" }, `${oldName} is still used by the webhooks above, so it cannot be deleted.`));
        }
        parts.push(
          button(`Keep ${rotation.oldName} and finish`, { id: "staged-keep-old" }, () =>
            void step(async () => {
              await call("staged_finish", { account, oldId, deleteOldConfirmName: null });
              modal.close();
            }),
          ),
        );
        break;
      }
    }
    parts.push(
      button("Cancel the staged rotation", { id: "staged-cancel", class: "link" }, () =>
        void step(async () => {
          await call("staged_cancel", { account, oldId });
          announce(`Stopped. ${rotation.oldName} and ${rotation.newName} both still exist; nothing was deleted.`);
          modal.close();
        }),
      ),
    );
    body.replaceChildren(...parts);
    body.querySelector<HTMLElement>("button.primary, button.danger")?.focus();
  }

  void refresh();
  return modal;
}
