// The "More…" menu of a secret's row: the row keeps its primary actions as buttons (fixed row
// height, no wrapping) and the rest open from here. One menu element for the whole list, so only
// one menu is ever open. It lives at the end of <body> with fixed positioning: rows are
// positioned with transforms inside a scrolling viewport, which would clip a menu placed in them.
//
// Keyboard (ARIA menu button pattern): Enter/Space on "More…" opens the menu on its first item;
// ↓/↑ move (wrapping), Home/End jump, Enter/Space choose; Escape and Tab close it and focus goes
// back to "More…". Clicking outside, scrolling the list or resizing the window closes it.

import { h } from "../dom";

export interface MenuItem {
  action: string;
  label: string;
  description: string;
  kind?: string;
}

let shared: RowMenu | null = null;

export class RowMenu {
  /** The one row menu of the window (every list shares it, so one is open at a time). */
  static shared(): RowMenu {
    shared ??= new RowMenu();
    return shared;
  }

  readonly element: HTMLElement;
  private trigger: HTMLElement | null = null;
  private onChoose: ((action: string) => void) | null = null;

  private constructor() {
    this.element = h("div", { id: "row-menu", class: "menu row-menu", role: "menu", hidden: true });
    this.element.addEventListener("keydown", (event) => this.onKeydown(event));
    this.element.addEventListener("click", (event) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>("[data-action]");
      if (!item) return;
      const choose = this.onChoose;
      // Focus goes back to "More…" first, so a dialog the action opens returns focus there.
      this.close(true);
      choose?.(item.dataset.action as string);
    });
    // Capture phase: outside presses close the menu before anything else reacts to them.
    document.addEventListener(
      "pointerdown",
      (event) => {
        if (!this.isOpen) return;
        const target = event.target as Node;
        if (this.element.contains(target) || this.trigger?.contains(target)) return;
        this.close(false);
      },
      true,
    );
    window.addEventListener("resize", () => this.close(false));
    window.addEventListener("blur", () => this.close(false));
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  /** The button the open menu belongs to. */
  get openFor(): HTMLElement | null {
    return this.isOpen ? this.trigger : null;
  }

  /** Opens the menu below (or above, without room) `trigger`, focused on its first item. */
  open(trigger: HTMLElement, label: string, owner: string, items: readonly MenuItem[], onChoose: (action: string) => void): void {
    if (this.isOpen) this.close(false);
    if (!this.element.isConnected) document.body.append(this.element);
    this.trigger = trigger;
    this.onChoose = onChoose;
    this.element.setAttribute("aria-label", label);
    this.element.dataset.menuFor = owner;
    this.element.replaceChildren(
      ...items.map((item) =>
        h(
          "button",
          {
            type: "button",
            role: "menuitem",
            class: `menu-item row-menu-item${item.kind ? ` ${item.kind}` : ""}`,
            "data-action": item.action,
            "aria-label": item.description,
            title: item.description,
            tabindex: "-1",
          },
          item.label,
        ),
      ),
    );
    trigger.setAttribute("aria-expanded", "true");
    trigger.setAttribute("aria-controls", this.element.id);
    this.element.hidden = false;
    this.place(trigger);
    this.items()[0]?.focus();
  }

  /** Closes the menu; with `returnFocus`, focus goes back to its "More…" button. */
  close(returnFocus: boolean): void {
    if (!this.isOpen) return;
    const trigger = this.trigger;
    const hadFocus = this.element.contains(document.activeElement);
    this.element.hidden = true;
    this.element.replaceChildren();
    delete this.element.dataset.menuFor;
    this.trigger = null;
    this.onChoose = null;
    trigger?.setAttribute("aria-expanded", "false");
    trigger?.removeAttribute("aria-controls");
    // Focus inside a closing menu must land somewhere: back on its button if that still exists.
    if ((returnFocus || hadFocus) && trigger?.isConnected) trigger.focus({ preventScroll: true });
  }

  private items(): HTMLElement[] {
    return [...this.element.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  private place(trigger: HTMLElement): void {
    const box = trigger.getBoundingClientRect();
    const height = this.element.offsetHeight;
    const width = this.element.offsetWidth;
    const below = box.bottom + 2;
    const roomBelow = window.innerHeight - below;
    const top = height > roomBelow && box.top - 2 - height >= 0 ? box.top - 2 - height : below;
    const left = Math.max(4, Math.min(box.right - width, window.innerWidth - width - 4));
    this.element.style.top = `${Math.round(top)}px`;
    this.element.style.left = `${Math.round(left)}px`;
  }

  private onKeydown(event: KeyboardEvent): void {
    const items = this.items();
    const index = items.indexOf(document.activeElement as HTMLElement);
    let handled = true;
    switch (event.key) {
      case "ArrowDown":
        items[(index + 1) % items.length]?.focus();
        break;
      case "ArrowUp":
        items[(index - 1 + items.length) % items.length]?.focus();
        break;
      case "Home":
        items[0]?.focus();
        break;
      case "End":
        items.at(-1)?.focus();
        break;
      case "Escape":
      case "Tab":
        this.close(true);
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }
}
