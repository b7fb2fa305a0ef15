// The account menu: the current account's label on a button (#account-name), and a menu of every
// signed-in account (with its provider beside it) to switch to, plus "Add another account".
// Menu-button pattern: Enter, Space or ↓ opens it on the current account; ↑/↓/Home/End move;
// Escape closes and returns to the button.

import type { AccountRef, AccountView } from "../bindings";
import { h } from "../dom";
import { sameAccount } from "../providers";

export interface AccountMenuActions {
  switchTo(account: AccountRef): void;
  add(): void;
}

export function accountMenu(current: AccountView, accounts: readonly AccountView[], actions: AccountMenuActions): HTMLElement {
  const trigger = h(
    "button",
    {
      type: "button",
      id: "account-menu-button",
      class: "account-button",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-controls": "account-menu",
      title: `${current.detail} (${current.providerLabel})`,
    },
    h("span", { class: "visually-hidden" }, "Account: "),
    h("span", { id: "account-name", class: "account" }, current.label),
    h("span", { class: "caret", "aria-hidden": "true" }, "▾"),
  );

  const items = accounts.map((account) =>
    h(
      "button",
      {
        type: "button",
        role: "menuitemradio",
        "aria-checked": String(sameAccount(account.account, current.account)),
        // "did" for the end-to-end tests that find accounts by it; it holds the provider's id.
        "data-account-did": account.account.id,
        "data-account-provider": account.account.provider,
        tabindex: "-1",
        class: "menu-item",
      },
      h(
        "span",
        { class: "menu-item-title" },
        account.label,
        " ",
        h("span", { class: "menu-item-provider" }, account.providerLabel),
      ),
      account.detail !== account.label ? h("span", { class: "menu-item-detail" }, account.detail) : null,
    ),
  );
  const add = h("button", { type: "button", role: "menuitem", id: "add-account", tabindex: "-1", class: "menu-item" }, "Add another account…");
  const menu = h(
    "div",
    { id: "account-menu", class: "menu", role: "menu", "aria-label": "Accounts", hidden: true },
    ...items,
    h("div", { role: "separator", class: "menu-separator" }),
    add,
  );
  const all = [...items, add];

  const onOutside = (event: Event) => {
    if (!wrapper.contains(event.target as Node)) close(false);
  };
  const open = (focus: "current" | "last" = "current") => {
    menu.hidden = false;
    trigger.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", onOutside, true);
    const target = focus === "last" ? all.at(-1) : (items.find((item) => item.getAttribute("aria-checked") === "true") ?? all[0]);
    target?.focus();
  };
  function close(restore: boolean) {
    if (menu.hidden) return;
    menu.hidden = true;
    trigger.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", onOutside, true);
    if (restore) trigger.focus();
  }

  trigger.addEventListener("click", () => (menu.hidden ? open() : close(true)));
  trigger.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      open(event.key === "ArrowUp" ? "last" : "current");
    }
  });
  menu.addEventListener("keydown", (event) => {
    const index = all.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => all[(to + all.length) % all.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        move(index + 1);
        break;
      case "ArrowUp":
        move(index - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(all.length - 1);
        break;
      case "Escape":
        close(true);
        break;
      case "Tab":
        close(false);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  });
  items.forEach((item, index) => {
    const target = accounts[index];
    item.addEventListener("click", () => {
      close(true);
      if (target && !sameAccount(target.account, current.account)) actions.switchTo(target.account);
    });
  });
  add.addEventListener("click", () => {
    close(false);
    actions.add();
  });

  const wrapper = h("div", { class: "account-menu" }, trigger, menu);
  return wrapper;
}
