import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SecretRow } from "../src/bindings";
import { SecretList } from "../src/views/secret-list";

const DAY = 24 * 3600 * 1000;

function rows(count: number, overrides: (i: number) => Partial<SecretRow> = () => ({})): SecretRow[] {
  const created = new Date(Date.now() - 10 * DAY).toISOString();
  return Array.from({ length: count }, (_, i) => ({
    id: `hook-${String(i).padStart(5, "0")}`,
    name: `hook-${String(i).padStart(5, "0")}`,
    createdAt: created,
    lastRotatedAt: null,
    storedLocally: false,
    facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false,
    ...overrides(i),
  }));
}

function mount(options: Partial<ConstructorParameters<typeof SecretList>[0]> = {}) {
  const onAction = vi.fn();
  const list = new SecretList({ onAction, ageWarningDays: 90, operations: ["list", "create", "rotate", "delete"], ...options });
  document.body.replaceChildren(list.element);
  return { list, onAction };
}

const renderedRows = () => document.querySelectorAll("[data-secret]");

describe("secret list", () => {
  beforeEach(() => document.body.replaceChildren());

  it("says 'not reported' where the provider never reports rotations, and where a time came from", () => {
    const note = "Slate does not report rotations: this is when the copy in this keychain was issued or pasted.";
    const { list } = mount();
    list.setRows([
      ...rows(1, () => ({ id: "7", name: "unknown", lastRotatedNote: "Slate does not report when a secret was rotated." })),
      ...rows(1, () => ({ id: "8", name: "known", lastRotatedAt: new Date().toISOString(), lastRotatedNote: note })),
      ...rows(1, () => ({ id: "9", name: "wisp" })),
    ]);
    const cell = (id: string) => document.querySelector(`[data-secret-id="${id}"]`)?.querySelectorAll("[role=gridcell]")[2] as HTMLElement;
    expect(cell("7").textContent).toBe("not reported");
    expect(cell("7").title).toBe("Slate does not report when a secret was rotated.");
    expect(cell("8").querySelector("time")).toBeTruthy();
    expect(cell("8").title).toBe(note);
    expect(cell("9").textContent).toBe("never");
    expect(cell("9").hasAttribute("title")).toBe(false);
  });

  it("renders 10,000 secrets as a bounded number of DOM rows", () => {
    const { list } = mount();
    list.setRows(rows(10_000));
    expect(list.total).toBe(10_000);
    expect(renderedRows().length).toBeGreaterThan(0);
    expect(renderedRows().length).toBeLessThan(60);
    expect(document.getElementById("secrets-table")?.getAttribute("aria-rowcount")).toBe("10001");
  });

  it("filter narrows 10,000 rows without rendering them all", () => {
    const { list } = mount();
    list.setRows(rows(10_000));
    expect(list.setFilter("HOOK-0999")).toBe(10);
    const names = [...renderedRows()].map((row) => row.getAttribute("data-secret"));
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `hook-0999${i}`));
    expect(list.setFilter("hook-09")).toBe(1000);
    expect(renderedRows().length).toBeLessThan(60);
    expect(list.setFilter("")).toBe(10_000);
  });

  it("leaves marks a benchmark can read", () => {
    const { list } = mount();
    list.setRows(rows(100));
    list.setFilter("7");
    expect(performance.getEntriesByName("wispkey:list-interactive").length).toBeGreaterThan(0);
    expect(performance.getEntriesByName("wispkey:filter-applied").length).toBeGreaterThan(0);
  });

  it("keeps the focused row when it scrolls out of view, so focus is never dropped", () => {
    const { list } = mount();
    list.setRows(rows(10_000));
    list.focusActive();
    const first = document.activeElement;
    expect(first?.getAttribute("data-secret")).toBe("hook-00000");
    const viewport = document.querySelector(".list-viewport") as HTMLElement;
    viewport.scrollTop = 5000 * 44;
    viewport.dispatchEvent(new Event("scroll"));
    list.render();
    expect(document.activeElement).toBe(first);
    expect(document.querySelector('[data-secret="hook-05000"]')).not.toBeNull();
    expect(renderedRows().length).toBeLessThan(60);
  });

  it("End jumps to the last of 10,000 rows and renders it", () => {
    const { list } = mount();
    list.setRows(rows(10_000));
    list.focusActive();
    document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    expect(document.activeElement?.getAttribute("data-secret")).toBe("hook-09999");
    expect(document.activeElement?.getAttribute("aria-rowindex")).toBe("10001");
    expect(renderedRows().length).toBeLessThan(60);
  });

  it("a changed row is replaced, not duplicated, and keeps focus", () => {
    const { list } = mount();
    list.setRows(rows(3, () => ({ storedLocally: true })));
    list.focusRow("hook-00001", "copy-stored");
    list.updateRow("hook-00001", { storedLocally: false });
    expect(document.querySelectorAll('[data-secret="hook-00001"]').length).toBe(1);
    expect(document.querySelector('[data-secret="hook-00001"] .badge-stored')).toBeNull();
    expect(document.activeElement?.getAttribute("data-secret")).toBe("hook-00001");
  });

  it("sorts by name regardless of case", () => {
    const { list } = mount();
    list.setRows([
      { id: "b", name: "beta", createdAt: "2024-01-01T00:00:00Z", lastRotatedAt: null, storedLocally: false, facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false },
      { id: "A", name: "Alpha", createdAt: "2024-01-01T00:00:00Z", lastRotatedAt: null, storedLocally: false, facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false },
      { id: "a2", name: "alpha2", createdAt: "2024-01-01T00:00:00Z", lastRotatedAt: null, storedLocally: false, facts: [], storedCopyWarning: null, lastRotatedNote: null, maxAgeOverrideDays: null, maxAgeDays: 90, overdue: false },
    ]);
    expect([...renderedRows()].map((row) => row.getAttribute("data-secret"))).toEqual(["Alpha", "alpha2", "beta"]);
  });

  it("row buttons report their action and row", () => {
    const { list, onAction } = mount();
    list.setRows(rows(2, () => ({ storedLocally: true })));
    (document.querySelector('[data-secret="hook-00001"] [data-action="copy-stored"]') as HTMLElement).click();
    expect(onAction).toHaveBeenCalledWith("copy-stored", expect.objectContaining({ name: "hook-00001" }));
  });
});
