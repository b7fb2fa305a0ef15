// The account menu: the current account's handle on a button (#account-name), and a menu of every
// signed-in account to switch to, plus "Add another account". Menu-button pattern: Enter, Space or
// ↓ opens it on the current account; ↑/↓/Home/End move; Escape closes and returns to the button.

import type { Account } from "../bindings";
import { h } from "../dom";

export interface AccountMenuActions {
  switchTo(did: string): void;
  add(): void;
}

export function accountLabel(account: Account): string {
  return account.handle ?? account.did;
}

export function accountMenu(current: Account, accounts: readonly Account[], actions: AccountMenuActions): HTMLElement {
  const trigger = h(
    "button",
    {
      type: "button",
      id: "account-menu-button",
      class: "account-button",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-controls": "account-menu",
      title: current.did,
    },
    h("span", { class: "visually-hidden" }, "Account: "),
    h("span", { id: "account-name", class: "account" }, accountLabel(current)),
    h("span", { class: "caret", "aria-hidden": "true" }, "▾"),
  );

  const items = accounts.map((account) =>
    h(
      "button",
      {
        type: "button",
        role: "menuitemradio",
        "aria-checked": String(account.did === current.did),
        "data-account-did": account.did,
        tabindex: "-1",
        class: "menu-item",
      },
      h("span", { class: "menu-item-title" }, accountLabel(account)),
      account.handle ? h("span", { class: "menu-item-detail" }, account.did) : null,
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
  for (const item of items) {
    item.addEventListener("click", () => {
      const did = item.dataset.accountDid ?? "";
      close(true);
      if (did !== current.did) actions.switchTo(did);
    });
  }
  add.addEventListener("click", () => {
    close(false);
    actions.add();
  });

  const wrapper = h("div", { class: "account-menu" }, trigger, menu);
  return wrapper;
}
