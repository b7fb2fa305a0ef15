// The list of signing secrets, windowed: however many secrets there are, only the rows in view
// (plus a few either side, plus the row holding keyboard focus) exist in the DOM. Every row has the
// same height, so a row's position is its index times ROW_HEIGHT and the scroll range is a single
// sized box. Filtering works on a lower-cased copy of the names made once per load. Rows are keyed
// by the provider's id (names may repeat where ids are not names); data-secret is the name.
//
// Keyboard (ARIA grid pattern, roving tabindex): Tab enters at the current row and then visits its
// buttons; ↑/↓, Page Up/Down, Home/End move between rows; →/← move between a row and its buttons;
// Enter on a row moves into its buttons; ↑ on the first row goes back to the filter.
//
// A row shows its primary actions (Copy token, Rotate) as buttons; the rest are behind its
// "More…" button (see row-menu.ts), so the actions fit the fixed row at any window width.

import type { Operation, SecretRow } from "../bindings";
import { h } from "../dom";
import { ageInDays, exactTime, relativeTime } from "../time";
import { type MenuItem, RowMenu } from "./row-menu";

/** Keep in step with `.secret-row { height }` in styles.css. */
export const ROW_HEIGHT = 44;
/** Rows rendered beyond each edge of the viewport, so fast scrolling does not show gaps. */
const OVERSCAN = 8;
/** Viewport height assumed before layout (or where there is none, as in unit tests). */
const FALLBACK_VIEWPORT = 720;

export type RowAction = "copy-stored" | "forget" | "store" | "rotate" | "staged" | "delete" | "test-receiver" | "max-age";
/** A row's buttons: its primary actions and the "More…" button that opens the rest. */
type RowButton = RowAction | "more";

export interface SecretListOptions {
  onAction(action: RowAction, row: SecretRow): void;
  /** ↑ on the first row: focus goes back to whatever is above the list (the filter). */
  onLeaveTop?(): void;
  ageWarningDays: number;
  /** What the provider and this sign-in allow: rows offer Rotate and Delete only when listed. */
  operations: readonly Operation[];
  /**
   * Where ids are not names (names may repeat), what an id is called ("Token id"): each row then
   * shows its id under the name. Absent or null when the id is the name.
   */
  idLabel?: string | null;
  /** The provider offers a staged rotation (its descriptor says so) and this sign-in may create. */
  stagedRotation?: boolean;
  /** The provider says how it signs deliveries: stored rows offer "Test receiver…". */
  signsDeliveries?: boolean;
}

interface Rendered {
  element: HTMLElement;
  key: string;
}

const rowData = new WeakMap<HTMLElement, SecretRow>();

export class SecretList {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly sizer: HTMLElement;
  private readonly noMatch: HTMLElement;
  private readonly options: SecretListOptions;

  /** Sorted by name, case-insensitively. */
  private rows: SecretRow[] = [];
  /** rows[i].name lower-cased, made once per load for filtering. */
  private lower: string[] = [];
  /** Indexes into `rows` that match the filter, in order. */
  private visible: number[] = [];
  private query = "";
  private rendered = new Map<string, Rendered>();
  /** Position (in `visible`) of the row that holds the roving tabindex. */
  private active = 0;
  private ageWarningDays: number;
  /** Overdue rows first (then by name), instead of by name only. */
  private overdueFirst = false;
  /** The rows as last given, to sort again when the order changes. */
  private source: readonly SecretRow[] = [];
  private now = Date.now();
  /** Bumped per load, so rows built from an older load (with older relative times) are rebuilt. */
  private generation = 0;
  private frame = 0;
  // Kept here rather than read from the DOM in render(): reading clientHeight or scrollTop right
  // after DOM writes forces a synchronous layout, which was most of the cost of a filter keystroke.
  private viewportHeight = FALLBACK_VIEWPORT;
  private scrollTop = 0;
  /** The one "More…" menu of the list (one open at a time). */
  private readonly menu = RowMenu.shared();

  constructor(options: SecretListOptions) {
    this.options = options;
    this.ageWarningDays = options.ageWarningDays;
    const header = h(
      "div",
      { class: "secret-row list-head", role: "row", "aria-rowindex": "1" },
      h("div", { role: "columnheader", class: "cell" }, "Name"),
      h("div", { role: "columnheader", class: "cell col-created" }, "Created"),
      h("div", { role: "columnheader", class: "cell" }, "Last rotated"),
      h("div", { role: "columnheader", class: "cell" }, h("span", { class: "visually-hidden" }, "Status")),
      h("div", { role: "columnheader", class: "cell" }, h("span", { class: "visually-hidden" }, "Actions")),
    );
    this.sizer = h("div", { class: "list-sizer", role: "presentation" });
    this.noMatch = h("p", { id: "secrets-no-match", class: "list-no-match muted", hidden: true });
    this.viewport = h("div", { class: "list-viewport", role: "rowgroup" }, this.sizer);
    this.element = h(
      "div",
      { id: "secrets-table", class: "secret-list", role: "grid", "aria-label": "Signing secrets", "aria-colcount": "5" },
      h("div", { role: "rowgroup", class: "list-head-group" }, header),
      this.viewport,
      this.noMatch,
    );

    this.viewport.addEventListener(
      "scroll",
      () => {
        this.scrollTop = this.viewport.scrollTop;
        // The menu is placed by its button; once the list moves it would point at another row.
        this.menu.close(false);
        this.schedule();
      },
      { passive: true },
    );
    this.sizer.addEventListener("click", (event) => this.onClick(event));
    this.sizer.addEventListener("keydown", (event) => this.onKeydown(event));
    this.sizer.addEventListener("focusin", (event) => this.onFocusin(event));
    if (typeof ResizeObserver === "function") {
      new ResizeObserver((entries) => {
        const height = entries[0]?.contentRect.height ?? 0;
        if (height > 0 && height !== this.viewportHeight) {
          this.viewportHeight = height;
          this.schedule();
        }
      }).observe(this.viewport);
    }
  }

  /** How many secrets are loaded, and how many match the filter. */
  get total(): number {
    return this.rows.length;
  }
  get matching(): number {
    return this.visible.length;
  }

  /** The row with that id, from the last load. */
  find(id: string): SecretRow | undefined {
    return this.rows.find((row) => row.id === id);
  }

  /** Every row from the last load, in list order. */
  allRows(): readonly SecretRow[] {
    return this.rows;
  }

  /** A row with that name, from the last load. */
  findNamed(name: string): SecretRow | undefined {
    return this.rows.find((row) => row.name === name);
  }

  setRows(rows: readonly SecretRow[]): void {
    performance.mark("wispkey:list-received");
    const activeId = this.activeRow()?.id;
    this.now = Date.now();
    this.generation++;
    const lower: string[] = new Array<string>(rows.length);
    let sorted = true;
    for (let index = 0; index < rows.length; index++) {
      lower[index] = (rows[index] as SecretRow).name.toLowerCase();
      if (index > 0 && (lower[index - 1] as string) > (lower[index] as string)) sorted = false;
    }
    if (sorted) {
      // Already in order (the usual case when the server sorts): no sort, no copies.
      this.rows = rows.slice();
      this.lower = lower;
    } else {
      const order = Array.from({ length: rows.length }, (_, index) => index);
      order.sort((a, b) => {
        const x = lower[a] as string;
        const y = lower[b] as string;
        return x < y ? -1 : x > y ? 1 : a - b;
      });
      this.rows = order.map((index) => rows[index] as SecretRow);
      this.lower = order.map((index) => lower[index] as string);
    }
    this.source = rows;
    if (this.overdueFirst) this.moveOverdueFirst();
    this.visible = this.match(this.query, null);
    const kept = activeId === undefined ? -1 : this.visible.findIndex((index) => this.rows[index]?.id === activeId);
    this.active = Math.max(0, kept);
    this.render();
    performance.mark("wispkey:list-interactive");
    performance.measure("wispkey:list-render", "wispkey:list-received", "wispkey:list-interactive");
  }

  /** Narrows the list to names containing `text` (case-insensitive). Returns how many match. */
  setFilter(text: string): number {
    performance.mark("wispkey:filter-input");
    const query = text.trim().toLowerCase();
    if (query === this.query) {
      performance.mark("wispkey:filter-applied");
      return this.visible.length;
    }
    // Typing one more character only ever narrows: search the current matches, not everything.
    const narrowing = this.query !== "" && query.startsWith(this.query);
    this.visible = this.match(query, narrowing ? this.visible : null);
    this.query = query;
    this.active = 0;
    this.scrollTo(0);
    this.render();
    performance.mark("wispkey:filter-applied");
    performance.measure("wispkey:filter", "wispkey:filter-input", "wispkey:filter-applied");
    return this.visible.length;
  }

  /** Overdue secrets first (stable: by name within each group), or by name only. */
  setOverdueFirst(on: boolean): void {
    if (on === this.overdueFirst) return;
    this.overdueFirst = on;
    this.setRows(this.source);
  }

  private moveOverdueFirst(): void {
    const order = this.rows.map((_, index) => index);
    const overdue = order.filter((index) => this.isOld(this.rows[index] as SecretRow));
    const rest = order.filter((index) => !this.isOld(this.rows[index] as SecretRow));
    const next = [...overdue, ...rest];
    this.rows = next.map((index) => this.rows[index] as SecretRow);
    this.lower = next.map((index) => this.lower[index] as string);
  }

  /** The maximum age that applies to the row: its own, else the Settings default. */
  maxAgeOf(row: SecretRow): number {
    return row.maxAgeOverrideDays ?? this.ageWarningDays;
  }

  setAgeWarningDays(days: number): void {
    if (days === this.ageWarningDays) return;
    this.ageWarningDays = days;
    this.render();
  }

  /** Changes one row in place (after Forget, say) without a round trip to the server. */
  updateRow(id: string, change: Partial<SecretRow>): void {
    const index = this.rows.findIndex((row) => row.id === id);
    const row = this.rows[index];
    if (!row) return;
    this.rows[index] = { ...row, ...change };
    this.render();
  }

  /** Focuses the current row (the first one if none was chosen yet). */
  focusActive(): boolean {
    if (this.visible.length === 0) return false;
    this.moveTo(this.active, null);
    return true;
  }

  /** Focuses the row with that id if it is in the list, else nothing. */
  focusRow(id: string, action: RowAction | null = null): boolean {
    const position = this.visible.findIndex((index) => this.rows[index]?.id === id);
    if (position < 0) return false;
    this.moveTo(position, action);
    return true;
  }

  /** Renders the rows in view now (the scroll handler does this once per frame). */
  render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const count = this.visible.length;
    this.active = Math.min(this.active, Math.max(0, count - 1));
    this.sizer.style.height = `${count * ROW_HEIGHT}px`;
    this.element.setAttribute("aria-rowcount", String(count + 1));
    this.noMatch.hidden = !(count === 0 && this.rows.length > 0);
    if (!this.noMatch.hidden) this.noMatch.textContent = "No secret’s name contains that text.";

    const height = this.viewportHeight;
    const top = Math.min(this.scrollTop, Math.max(0, count * ROW_HEIGHT - height));
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const positions: number[] = [];
    // The focused row stays rendered even when scrolled away, so focus is never dropped.
    if (count > 0 && this.active < first) positions.push(this.active);
    for (let position = first; position < last; position++) positions.push(position);
    if (count > 0 && this.active >= last) positions.push(this.active);

    // A row whose content changed is rebuilt; if focus was in it, it comes back afterwards.
    const focusedRow = this.focusedRow();
    const focusedId = focusedRow?.dataset.secretId;
    const focusedAction = (document.activeElement as HTMLElement | null)?.dataset.action;

    const next = new Map<string, Rendered>();
    const ordered: HTMLElement[] = [];
    for (const position of positions) {
      const row = this.rows[this.visible[position] ?? -1];
      if (!row) continue;
      const old = this.isOld(row);
      const key = `${this.generation}\u0000${row.name}\u0000${row.createdAt}\u0000${row.lastRotatedAt}\u0000${row.lastRotatedNote}\u0000${row.storedLocally}\u0000${row.storedCopyWarning}\u0000${old}\u0000${factsLine(row)}\u0000${row.maxAgeOverrideDays}`;
      let entry = this.rendered.get(row.id);
      this.rendered.delete(row.id);
      if (!entry || entry.key !== key) {
        entry?.element.remove();
        entry = { element: this.buildRow(row, old), key };
      }
      next.set(row.id, entry);
      const element = entry.element;
      element.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
      element.setAttribute("aria-rowindex", String(position + 2));
      element.dataset.position = String(position);
      setTabbable(element, position === this.active);
      ordered.push(element);
    }
    for (const { element } of this.rendered.values()) element.remove();
    this.rendered = next;
    // DOM order follows list order (for screen readers) without moving rows that stay, so a
    // focused row is never detached and re-attached (which would drop focus).
    let cursor = this.sizer.firstChild;
    for (const element of ordered) {
      if (element === cursor) cursor = cursor.nextSibling;
      else this.sizer.insertBefore(element, cursor);
    }
    if (focusedId !== undefined && !this.focusedRow()) {
      const element = next.get(focusedId)?.element;
      const button = focusedAction ? element?.querySelector<HTMLElement>(`button[data-action="${focusedAction}"]`) : null;
      (button ?? element)?.focus({ preventScroll: true });
    }
    // A row rebuilt or scrolled out took the menu's button with it.
    const trigger = this.menu.openFor;
    if (trigger && !trigger.isConnected) this.menu.close(false);
  }

  private match(query: string, within: number[] | null): number[] {
    const result: number[] = [];
    const lower = this.lower;
    if (within) {
      for (const index of within) if ((lower[index] as string).includes(query)) result.push(index);
    } else if (query === "") {
      for (let index = 0; index < lower.length; index++) result.push(index);
    } else {
      for (let index = 0; index < lower.length; index++) if ((lower[index] as string).includes(query)) result.push(index);
    }
    return result;
  }

  private isOld(row: SecretRow): boolean {
    const days = ageInDays(row.lastRotatedAt ?? row.createdAt, this.now);
    return days !== null && days > this.maxAgeOf(row);
  }

  private buildRow(row: SecretRow, old: boolean): HTMLElement {
    const since = row.lastRotatedAt ?? row.createdAt;
    const days = ageInDays(since, this.now) ?? 0;
    const name = row.name;
    const { operations, idLabel } = this.options;
    const idLine = idLabel ? `${idLabel} ${row.id}` : null;
    // Where names repeat, the buttons' names say which one.
    const which = idLine ? `${name} (${idLine.charAt(0).toLowerCase()}${idLine.slice(1)})` : name;
    const actions: HTMLElement[] = [];
    if (row.storedLocally) actions.push(rowButton("copy-stored", "Copy token", `Copy the stored token for ${which}`));
    if (operations.includes("rotate")) actions.push(rowButton("rotate", "Rotate", `Rotate ${which}`));
    const more = rowButton("more", "More…", `More actions for ${which}`);
    more.setAttribute("aria-haspopup", "menu");
    more.setAttribute("aria-expanded", "false");
    actions.push(more);
    // The provider's other facts (status, webhook…) share the second line, each labelled.
    const facts = factsLine(row);
    const second = [idLine, facts].filter(Boolean).join(" · ");
    const element = h(
      "div",
      { class: "secret-row", role: "row", "data-secret": name, "data-secret-id": row.id, tabindex: "-1" },
      second
        ? h(
            "div",
            {
              role: "gridcell",
              class: "cell name with-id",
              title: [name, idLine, ...row.facts.map((fact) => `${fact.label}: ${fact.value}`)].filter(Boolean).join("\n"),
            },
            h("span", { class: "name-text" }, name),
            h("span", { class: "secret-id muted" }, second),
          )
        : h("div", { role: "gridcell", class: "cell name", title: name }, name),
      h("div", { role: "gridcell", class: "cell col-created" }, timeElement(row.createdAt, this.now)),
      h(
        "div",
        // Where the provider does not report rotations, the note says where the time came from.
        { role: "gridcell", class: "cell", title: row.lastRotatedNote ?? undefined },
        row.lastRotatedAt
          ? timeElement(row.lastRotatedAt, this.now)
          : h("span", { class: "muted" }, row.lastRotatedNote ? "not reported" : "never"),
      ),
      h(
        "div",
        { role: "gridcell", class: "cell badges" },
        // A copy that may be out of date is still in the keychain; its badge says the more
        // important thing (one badge: the row has no room for two).
        row.storedLocally &&
          (row.storedCopyWarning
            ? h(
                "span",
                {
                  class: "badge badge-stale",
                  title: `A token is kept in this computer’s keychain, but it may be out of date: ${row.storedCopyWarning}`,
                },
                "May be out of date",
              )
            : h(
                "span",
                { class: "badge badge-stored", title: "A token for this secret is kept in this computer’s keychain." },
                "In keychain",
              )),
        old &&
          h(
            "span",
            {
              class: "badge badge-old",
              title: `${row.lastRotatedAt ? "Last rotated" : "Created"} ${days} days ago; its maximum age is ${this.maxAgeOf(row)} days (${row.maxAgeOverrideDays === null ? "Settings" : "its own"}).`,
            },
            `Overdue ${days} d`,
          ),
      ),
      h("div", { role: "gridcell", class: "cell actions" }, ...actions),
    );
    rowData.set(element, row);
    return element;
  }

  /** What a row's "More…" menu offers, in order. */
  private menuItems(row: SecretRow): MenuItem[] {
    const { operations, idLabel } = this.options;
    const idLine = idLabel ? `${idLabel} ${row.id}` : null;
    const which = idLine ? `${row.name} (${idLine.charAt(0).toLowerCase()}${idLine.slice(1)})` : row.name;
    const items: MenuItem[] = [];
    const item = (action: RowAction, label: string, description: string, kind?: string) =>
      items.push(kind ? { action, label, description, kind } : { action, label, description });
    if (row.storedLocally) {
      item("forget", "Forget", `Forget the local copy of ${which}`);
      // Only where the provider says how it signs deliveries.
      if (this.options.signsDeliveries) item("test-receiver", "Test receiver…", `Send one test delivery for ${which}`);
    }
    if (this.options.stagedRotation) item("staged", "Staged rotate…", `Rotate ${which} without downtime`);
    item("max-age", "Max age…", `Set the maximum age of ${which}`);
    // Every provider: keep a secret rotated in the provider's own dashboard.
    item("store", "Store secret…", `Store a secret rotated elsewhere for ${which}`);
    if (operations.includes("delete")) item("delete", "Delete", `Delete ${which}`, "danger");
    return items;
  }

  private toggleMenu(button: HTMLElement, row: SecretRow): void {
    if (this.menu.openFor === button) {
      this.menu.close(true);
      return;
    }
    this.menu.open(button, `More actions for ${row.name}`, row.id, this.menuItems(row), (action) =>
      this.options.onAction(action as RowAction, row),
    );
  }

  private activeRow(): SecretRow | undefined {
    return this.rows[this.visible[this.active] ?? -1];
  }

  private focusedRow(): HTMLElement | null {
    const focused = document.activeElement;
    return focused instanceof HTMLElement && this.sizer.contains(focused)
      ? focused.closest<HTMLElement>("[data-secret]")
      : null;
  }

  private scrollTo(top: number): void {
    this.scrollTop = Math.max(0, top);
    this.viewport.scrollTop = this.scrollTop;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private onClick(event: MouseEvent): void {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
    const rowElement = target?.closest<HTMLElement>("[data-secret]");
    const row = rowElement ? rowData.get(rowElement) : undefined;
    if (!target || !row) return;
    if (target.dataset.action === "more") this.toggleMenu(target, row);
    else this.options.onAction(target.dataset.action as RowAction, row);
  }

  private onFocusin(event: FocusEvent): void {
    const rowElement = (event.target as HTMLElement).closest<HTMLElement>("[data-secret]");
    const position = Number(rowElement?.dataset.position);
    if (!rowElement || Number.isNaN(position) || position === this.active) return;
    const previous = this.sizer.querySelector<HTMLElement>(`[data-position="${this.active}"]`);
    if (previous) setTabbable(previous, false);
    this.active = position;
    setTabbable(rowElement, true);
  }

  private onKeydown(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const rowElement = target.closest<HTMLElement>("[data-secret]");
    if (!rowElement || event.altKey || event.ctrlKey || event.metaKey) return;
    const position = Number(rowElement.dataset.position);
    const onRow = target === rowElement;
    const action = onRow ? null : ((target.dataset.action as RowAction | undefined) ?? null);
    const buttons = [...rowElement.querySelectorAll<HTMLButtonElement>("button[data-action]")];
    const buttonIndex = onRow ? -1 : buttons.indexOf(target as HTMLButtonElement);
    const page = Math.max(1, Math.floor(this.viewportHeight / ROW_HEIGHT) - 1);
    let handled = true;
    switch (event.key) {
      case "ArrowDown":
        this.moveTo(position + 1, action);
        break;
      case "ArrowUp":
        if (position === 0 && this.options.onLeaveTop) this.options.onLeaveTop();
        else this.moveTo(position - 1, action);
        break;
      case "PageDown":
        this.moveTo(position + page, action);
        break;
      case "PageUp":
        this.moveTo(position - page, action);
        break;
      case "Home":
        this.moveTo(0, action);
        break;
      case "End":
        this.moveTo(this.visible.length - 1, action);
        break;
      case "ArrowRight":
        buttons[buttonIndex + 1]?.focus();
        break;
      case "ArrowLeft":
        if (buttonIndex > 0) buttons[buttonIndex - 1]?.focus();
        else rowElement.focus();
        break;
      case "Enter":
        if (onRow) buttons[0]?.focus();
        else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  /** Makes row `position` current, scrolls it into view, renders, and focuses it (or its button). */
  private moveTo(position: number, action: RowAction | null): void {
    const count = this.visible.length;
    if (count === 0) return;
    const target = Math.min(count - 1, Math.max(0, position));
    this.active = target;
    const top = target * ROW_HEIGHT;
    if (top < this.scrollTop) this.scrollTo(top);
    else if (top + ROW_HEIGHT > this.scrollTop + this.viewportHeight) this.scrollTo(top + ROW_HEIGHT - this.viewportHeight);
    this.render();
    const rowElement = this.rendered.get(this.rows[this.visible[target] ?? -1]?.id ?? "")?.element;
    // An action from the menu: its "More…" button.
    const button = action
      ? (rowElement?.querySelector<HTMLElement>(`button[data-action="${action}"]`) ??
        rowElement?.querySelector<HTMLElement>('button[data-action="more"]'))
      : null;
    (button ?? rowElement)?.focus({ preventScroll: true });
  }
}

/** "Status: active · Webhooks: on": a row's facts as the provider worded them, in its order. */
export function factsLine(row: SecretRow): string {
  return row.facts.map((fact) => `${fact.label}: ${fact.value}`).join(" · ");
}

function rowButton(action: RowButton, label: string, description: string, kind?: string): HTMLButtonElement {
  return h(
    "button",
    { type: "button", class: `row-action${kind ? ` ${kind}` : ""}`, "data-action": action, "aria-label": description, title: description, tabindex: "-1" },
    label,
  );
}

function timeElement(iso: string, now: number): HTMLElement {
  return h("time", { datetime: iso, title: exactTime(iso) }, relativeTime(iso, new Date(now)));
}

/** The roving tabindex: only the current row and its buttons are in the Tab order. */
function setTabbable(rowElement: HTMLElement, tabbable: boolean): void {
  const value = tabbable ? "0" : "-1";
  if (rowElement.getAttribute("tabindex") === value) return;
  rowElement.setAttribute("tabindex", value);
  for (const button of rowElement.querySelectorAll("button")) button.setAttribute("tabindex", value);
}
