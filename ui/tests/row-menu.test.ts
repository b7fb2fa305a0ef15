import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SecretRow } from "../src/bindings";
import { SecretList } from "../src/views/secret-list";
import { $, press, secret } from "./ipc";

function mount(rows: SecretRow[], options: Partial<ConstructorParameters<typeof SecretList>[0]> = {}) {
  const onAction = vi.fn();
  const list = new SecretList({
    onAction,
    ageWarningDays: 90,
    operations: ["list", "create", "rotate", "delete"],
    stagedRotation: true,
    signsDeliveries: true,
    ...options,
  });
  document.body.replaceChildren(list.element);
  list.setRows(rows);
  return { list, onAction };
}

const more = (id: string) => $(`[data-secret-id="${id}"] [data-action="more"]`);
const openMenus = () => [...document.querySelectorAll<HTMLElement>('[role="menu"]')].filter((menu) => !menu.hidden);
const items = () => [...(openMenus()[0]?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

describe("a row's More… menu", () => {
  beforeEach(() => document.body.replaceChildren());

  it("keeps only Copy token and Rotate on the row and puts every other action in the menu", () => {
    mount([secret("hook", { storedLocally: true })]);
    const onRow = [...document.querySelectorAll<HTMLElement>('[data-secret="hook"] button')].map((button) => button.textContent);
    expect(onRow).toEqual(["Copy token", "Rotate", "More…"]);
    more("hook").click();
    expect(items().map((item) => item.textContent)).toEqual([
      "Forget",
      "Test receiver…",
      "Staged rotate…",
      "Max age…",
      "Store secret…",
      "Delete",
    ]);
    expect(items().map((item) => item.getAttribute("aria-label"))).toContain("Delete hook");
  });

  it("is a menu button: closed it says so, open it is a labelled menu of menu items", () => {
    mount([secret("hook")]);
    const button = more("hook");
    expect(button.getAttribute("aria-haspopup")).toBe("menu");
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(button.getAttribute("aria-label")).toBe("More actions for hook");
    button.click();
    const [menu] = openMenus();
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(button.getAttribute("aria-controls")).toBe(menu?.id);
    expect(menu?.getAttribute("aria-label")).toBe("More actions for hook");
    expect(items().every((item) => item.getAttribute("tabindex") === "-1")).toBe(true);
  });

  it("opens on its first item; arrows move and wrap, Home and End jump", () => {
    mount([secret("hook", { storedLocally: true })]);
    more("hook").click();
    const all = items();
    expect(document.activeElement).toBe(all[0]);
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement).toBe(all[1]);
    press(document.activeElement as HTMLElement, "ArrowUp");
    press(document.activeElement as HTMLElement, "ArrowUp");
    expect(document.activeElement).toBe(all.at(-1));
    press(document.activeElement as HTMLElement, "ArrowDown");
    expect(document.activeElement).toBe(all[0]);
    press(document.activeElement as HTMLElement, "End");
    expect(document.activeElement).toBe(all.at(-1));
    press(document.activeElement as HTMLElement, "Home");
    expect(document.activeElement).toBe(all[0]);
  });

  it("Escape closes it and focus goes back to More…; so does Tab", () => {
    mount([secret("hook")]);
    more("hook").click();
    const escape = press(document.activeElement as HTMLElement, "Escape");
    expect(escape.defaultPrevented).toBe(true);
    expect(openMenus()).toEqual([]);
    expect(document.activeElement).toBe(more("hook"));
    expect(more("hook").getAttribute("aria-expanded")).toBe("false");
    more("hook").click();
    press(document.activeElement as HTMLElement, "Tab");
    expect(openMenus()).toEqual([]);
    expect(document.activeElement).toBe(more("hook"));
  });

  it("choosing an item closes the menu, reports the action for its row, and leaves focus on More…", () => {
    const { onAction } = mount([secret("a"), secret("b")]);
    more("b").click();
    const maxAge = items().find((item) => item.dataset.action === "max-age");
    maxAge?.click();
    expect(onAction).toHaveBeenCalledWith("max-age", expect.objectContaining({ id: "b" }));
    expect(openMenus()).toEqual([]);
    expect(document.activeElement).toBe(more("b"));
  });

  it("only one menu is open at a time", () => {
    mount([secret("a"), secret("b")]);
    more("a").click();
    more("b").click();
    expect(openMenus().length).toBe(1);
    expect(openMenus()[0]?.dataset.menuFor).toBe("b");
    expect(more("a").getAttribute("aria-expanded")).toBe("false");
    expect(more("b").getAttribute("aria-expanded")).toBe("true");
    // Its own button again closes it.
    more("b").click();
    expect(openMenus()).toEqual([]);
  });

  it("scrolling the list closes it", () => {
    const { list } = mount([secret("a"), secret("b")]);
    more("a").click();
    list.element.querySelector(".list-viewport")?.dispatchEvent(new Event("scroll"));
    expect(openMenus()).toEqual([]);
    expect(more("a").getAttribute("aria-expanded")).toBe("false");
  });

  it("a press outside closes it without taking focus anywhere", () => {
    mount([secret("a")]);
    more("a").click();
    document.body.dispatchEvent(new Event("pointerdown", { bubbles: true }));
    expect(openMenus()).toEqual([]);
  });

  it("closes when its row is rebuilt under it (the row changed)", () => {
    const { list } = mount([secret("a", { storedLocally: true })]);
    more("a").click();
    list.updateRow("a", { storedLocally: false });
    expect(openMenus()).toEqual([]);
  });

  it("offers Forget and Test receiver… only for a stored copy, Delete only where granted", () => {
    mount([secret("a")], { operations: ["list", "rotate"] });
    more("a").click();
    expect(items().map((item) => item.dataset.action)).toEqual(["staged", "max-age", "store"]);
  });
});
