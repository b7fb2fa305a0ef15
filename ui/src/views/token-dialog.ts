// The copy-once dialog: the token just issued by create or rotate, masked, with Reveal, one Copy
// button (the copy itself happens in Rust) and Done. If the keychain write failed, it says so
// plainly, offers Retry, and closing asks first whether the token was saved elsewhere: Escape,
// Done or closing the window never silently drops a token that exists nowhere else. On close the
// token leaves the DOM and Rust is told to drop its pending copy.

import { call, type IpcError } from "../api";
import type { IssuedExtra, IssuedSecret } from "../bindings";
import { clipboard } from "../clipboard";
import { guardUnstoredToken } from "../close-guard";
import { actionsRow, dialogError, openModal, type Modal } from "../dialog";
import { button, h } from "../dom";
import { shownSecret } from "../providers";
import { announce } from "../status";
import type { ScreenContext } from "./context";
import { openReceiverDialog } from "./receiver-dialog";

const CONFIRM_LABEL = "Yes, I saved it — close";
const CONFIRM_WINDOW_LABEL = "Yes, I saved it — close Wispkey";

export function openTokenDialog(context: ScreenContext, issued: IssuedSecret, how: "created" | "rotated"): Modal {
  const account = context.account.account;
  const { id, name } = issued;
  const shown = shownSecret(context.provider, issued);
  let stored = issued.stored;
  /** The question was raised by closing the window: "yes" closes the window too. */
  let closingWindow = false;
  let releaseCloseGuard: (() => void) | null = null;

  const value = h("input", {
    id: "token-value",
    type: "password",
    class: "token-value",
    readonly: true,
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "token-once",
  });
  // A property, not an attribute: the token never appears in the serialised markup.
  value.value = issued.token;

  const reveal = button("Show", { id: "token-reveal", "aria-pressed": "false", "aria-controls": "token-value" }, () => {
    const shown = value.type === "password";
    value.type = shown ? "text" : "password";
    reveal.textContent = shown ? "Hide" : "Show";
    reveal.setAttribute("aria-pressed", String(shown));
  });

  const error = dialogError("token-error");
  const storedLine = h("p", { id: "token-stored", class: "ok-line" });
  const reason = h("span", { id: "token-store-reason" });
  const retry = button("Try saving again", { id: "token-retry" }, () => void retryStore());
  // A locked keychain: Unlock raises the system's own password prompt, then saves again.
  const unlock = button("Unlock", { id: "token-unlock", hidden: true }, () => void unlockAndRetry());
  const notStored = h(
    "div",
    { id: "token-not-stored", class: "warning-box", role: "alert" },
    h("p", {}, h("strong", {}, "Not saved in your keychain. "), reason),
    h("p", {}, "Copy it now and keep it somewhere safe before you close this, or try saving it again."),
    h("div", { class: "actions-inline" }, unlock, retry),
  );

  const copy = button("Copy", { id: "token-copy", class: "primary" }, () => void copyToken());
  const done = button("Done", { id: "token-done" }, () => requestClose());
  // Right after the rotate: once the new token is in the receiver's configuration, check it.
  const testReceiver = button("Test the receiver…", { id: "token-test-receiver", hidden: true }, () =>
    openReceiverDialog(context, { id, name }),
  );

  const confirmBack = button("Go back", { id: "token-close-back" }, () => hideConfirm());
  const confirmClose = button(CONFIRM_LABEL, { id: "token-close-confirm", class: "danger" }, () => finish());
  const confirm = h(
    "div",
    { id: "token-close-ask", class: "warning-box", role: "alert", hidden: true },
    h(
      "p",
      {},
      h("strong", {}, "Did you save the token somewhere else? "),
      "It is not in your keychain, and once this closes Wispkey cannot show it again. Without it you would have to rotate ",
      shown,
      " again.",
    ),
    actionsRow(confirmBack, confirmClose),
  );
  const mainActions = actionsRow(testReceiver, copy, done);
  // Other one-shot values of the same answer (a new API token): each labelled, copied and saved
  // on its own, never dropped.
  const extras = issued.also.map((extra, index) => extraSection(extra, index));
  const allStored = () => stored && extras.every((extra) => extra.stored());
  const clipboardSlot = h("div", { class: "clipboard-slot" });

  const modal = openModal({
    id: "token-dialog",
    title: how === "created" ? `New secret ${shown}` : `New ${context.provider.words.valueNoun} for ${shown}`,
    describedBy: "token-once",
    content: [
      h("label", { for: "token-value" }, extras.length ? "Signing secret" : "Token"),
      h("div", { class: "token-row" }, value, reveal),
      h("p", { id: "token-once", class: "once" }, "This is the only time it is shown here."),
      storedLine,
      notStored,
      ...extras.map((extra) => extra.element),
      error,
      clipboardSlot,
      mainActions,
      confirm,
    ],
    initialFocus: () => copy,
    fallbackFocus: () => context.fallbackFocus(id),
    onEscape: () => (confirm.hidden ? requestClose() : hideConfirm()),
  });
  clipboard().dockIn(clipboardSlot);
  showStoreState(issued.storeError);

  function showStoreState(storeError: IpcError | null) {
    storedLine.hidden = !stored;
    storedLine.textContent = stored
      ? "A copy is saved in this computer’s keychain: “Copy token” in the list copies it again later."
      : "";
    notStored.hidden = stored;
    testReceiver.hidden = !(stored && context.provider.deliverySignature !== null);
    reason.textContent = stored ? "" : (storeError?.message ?? "The keychain did not confirm it.");
    unlock.hidden = stored || storeError?.code !== "keychain_locked";
    guardWhileUnstored();
  }

  function guardWhileUnstored() {
    if (allStored()) {
      releaseCloseGuard?.();
      releaseCloseGuard = null;
    } else {
      releaseCloseGuard ??= guardUnstoredToken(() => requestClose(true));
    }
  }

  async function retryStore() {
    retry.disabled = true;
    retry.textContent = "Saving…";
    try {
      const again = await call("retry_store_token", { account, secretId: id });
      stored = again.stored;
      showStoreState(again.storeError);
      if (stored) {
        context.updateRow(id, { storedLocally: true });
        announce(`The token for ${name} is now saved in your keychain.`);
        copy.focus();
      }
    } catch (failure) {
      showStoreState(failure as IpcError);
    } finally {
      retry.disabled = false;
      retry.textContent = "Try saving again";
    }
  }

  async function unlockAndRetry() {
    unlock.disabled = true;
    unlock.textContent = "Waiting for your password…";
    try {
      await call("unlock_keychain", {});
    } catch (failure) {
      showStoreState(failure as IpcError);
      return;
    } finally {
      unlock.disabled = false;
      unlock.textContent = "Unlock";
    }
    await retryStore();
  }

  async function copyToken() {
    copy.disabled = true;
    error.textContent = "";
    try {
      const result = await call("copy_issued_token", { account, secretId: id });
      clipboard().start(result, `the token for ${name}`);
    } catch (failure) {
      error.textContent = (failure as IpcError).message;
    } finally {
      copy.disabled = false;
    }
  }

  function requestClose(windowToo = false) {
    closingWindow = windowToo;
    if (allStored()) {
      finish();
      return;
    }
    confirmClose.textContent = windowToo ? CONFIRM_WINDOW_LABEL : CONFIRM_LABEL;
    mainActions.hidden = true;
    confirm.hidden = false;
    confirmBack.focus();
  }

  function hideConfirm() {
    closingWindow = false;
    confirm.hidden = true;
    mainActions.hidden = false;
    done.focus();
  }

  function finish() {
    // Out of the DOM before anything else happens.
    value.value = "";
    value.type = "password";
    for (const extra of extras) extra.clear();
    clipboard().undock();
    releaseCloseGuard?.();
    releaseCloseGuard = null;
    modal.close();
    const finished = call("finish_issued_token", { account, secretId: id });
    // Only once Rust has dropped the token: until then it would refuse the close again.
    const closed = closingWindow ? finished.then(() => call("close_window", {})) : finished;
    closed.catch((failure: IpcError) => announce(failure.message, "problem"));
  }

  /** One more value of the answer: masked with Show, its own Copy, and its own saved line. */
  function extraSection(extra: IssuedExtra, index: number) {
    let extraStored = extra.stored;
    const field = h("input", {
      id: `token-also-${index}`,
      type: "password",
      class: "token-value",
      readonly: true,
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": `token-also-note-${index}`,
    });
    field.value = extra.token;
    const show = button("Show", { id: `token-also-reveal-${index}`, "aria-pressed": "false" }, () => {
      const showing = field.type === "password";
      field.type = showing ? "text" : "password";
      show.textContent = showing ? "Hide" : "Show";
      show.setAttribute("aria-pressed", String(showing));
    });
    const copyExtra = button(`Copy ${extra.label.toLowerCase()}`, { id: `token-also-copy-${index}` }, () => void copyIt());
    const line = h("p", { id: `token-also-stored-${index}` });
    const again = button("Try saving again", { id: `token-also-retry-${index}` }, () => void retryIt());
    const element = h(
      "div",
      { id: `token-also-${index}-section`, class: "token-also" },
      h("label", { for: `token-also-${index}` }, extra.label),
      h("div", { class: "token-row" }, field, show, copyExtra),
      h("p", { id: `token-also-note-${index}`, class: "help" }, extra.note),
      line,
      again,
    );
    function render(message: string | null) {
      line.className = extraStored ? "ok-line" : "warning-box";
      line.setAttribute("role", extraStored ? "status" : "alert");
      line.textContent = extraStored
        ? "A copy is saved in this computer’s keychain too."
        : `Not saved in your keychain. ${message ?? "The keychain did not confirm it."} Copy it now.`;
      again.hidden = extraStored;
    }
    async function copyIt() {
      error.textContent = "";
      try {
        const result = await call("copy_issued_token", { account, secretId: extra.id });
        clipboard().start(result, `the ${extra.label.toLowerCase()} for ${name}`);
      } catch (failure) {
        error.textContent = (failure as IpcError).message;
      }
    }
    async function retryIt() {
      again.disabled = true;
      try {
        const result = await call("retry_store_token", { account, secretId: extra.id });
        extraStored = result.stored;
        render(result.storeError?.message ?? null);
      } catch (failure) {
        render((failure as IpcError).message);
      } finally {
        again.disabled = false;
        guardWhileUnstored();
      }
    }
    render(extra.storeError?.message ?? null);
    return {
      element,
      stored: () => extraStored,
      clear: () => {
        field.value = "";
        field.type = "password";
      },
    };
  }

  return modal;
}
