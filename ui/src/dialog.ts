// Modal dialogs: a native <dialog> opened with showModal() (so it carries the `open` attribute and
// the page behind is inert), plus what the platform does not guarantee everywhere: Tab stays inside,
// Escape goes through the dialog's own close logic (so it can refuse or ask first), and focus
// returns to where it was when the dialog closes. Each dialog is created when opened and removed
// from the document when closed, so nothing it showed lingers in the DOM.

import { h } from "./dom";

export interface ModalOptions {
  id: string;
  title: string;
  /** Content of the dialog, below the title. */
  content: (Node | string)[];
  /** What Escape (or the platform's cancel) does. Defaults to closing. */
  onEscape?: () => void;
  /** Where focus goes first; defaults to the first focusable element. */
  initialFocus?: () => HTMLElement | null | undefined;
  /** Where focus goes on close when the element focused before is gone. */
  fallbackFocus?: () => HTMLElement | null | undefined;
  /** "alertdialog" for confirmations of something dangerous. */
  role?: "dialog" | "alertdialog";
  describedBy?: string;
  /** Called once after the dialog is closed and removed. */
  onClosed?: () => void;
}

export interface Modal {
  element: HTMLDialogElement;
  close(): void;
  readonly closed: boolean;
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export function focusableIn(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.closest("[hidden]") === null && element.tabIndex !== -1,
  );
}

export function openModal(options: ModalOptions): Modal {
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const element = h(
    "dialog",
    {
      id: options.id,
      class: "modal",
      "aria-labelledby": `${options.id}-title`,
      "aria-describedby": options.describedBy,
      role: options.role === "alertdialog" ? "alertdialog" : undefined,
      "aria-modal": "true",
    },
    h("h2", { id: `${options.id}-title`, class: "modal-title" }, options.title),
    ...options.content,
  );

  let closed = false;
  let escapeHandledAt = -Infinity;
  const escape = () => (options.onEscape ? options.onEscape() : modal.close());

  element.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      // Our own close logic decides; the platform must not close the dialog behind its back.
      event.preventDefault();
      event.stopPropagation();
      escapeHandledAt = performance.now();
      escape();
    } else if (event.key === "Tab") {
      trapTab(element, event);
    }
  });
  // Some engines still send "cancel" (Escape, or a close request from the system). Same logic.
  element.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (performance.now() - escapeHandledAt > 100) escape();
  });

  // Only modal.close() may close a dialog. If the engine closes it natively anyway (a close
  // request it does not let us cancel, such as a repeated Escape under Chromium's close-watcher
  // rules), open it again: the copy-once dialog must never vanish with an unstored token.
  element.addEventListener("close", () => {
    if (closed || !element.isConnected) return;
    if (typeof element.showModal === "function") element.showModal();
    else element.setAttribute("open", "");
  });

  const modal: Modal = {
    element,
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      if (element.open) element.close();
      element.remove();
      const target = before?.isConnected ? before : options.fallbackFocus?.();
      target?.focus();
      options.onClosed?.();
    },
  };

  document.body.append(element);
  if (typeof element.showModal === "function") element.showModal();
  else element.setAttribute("open", "");
  (options.initialFocus?.() ?? focusableIn(element)[0])?.focus();
  return modal;
}

function trapTab(dialog: HTMLElement, event: KeyboardEvent): void {
  const focusable = focusableIn(dialog);
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !dialog.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/** The row of buttons at the bottom of a dialog. */
export function actionsRow(...buttons: HTMLElement[]): HTMLElement {
  return h("div", { class: "modal-actions" }, ...buttons);
}

/** An inline error inside a dialog (role=alert so it is read out when it appears). */
export function dialogError(id: string): HTMLElement {
  return h("p", { id, class: "field-error", role: "alert" });
}
