// A tiny element builder: enough to keep views declarative without a framework.

type Attributes = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** A button that runs `onClick`; type=button so it never submits a form by accident. */
export function button(
  label: string,
  attributes: Attributes,
  onClick: (event: MouseEvent) => void,
): HTMLButtonElement {
  const element = h("button", { type: "button", ...attributes }, label);
  element.addEventListener("click", onClick);
  return element;
}

/** A curly-quoted name for sentences: “deploy-hook”. */
export function quoted(name: string): string {
  return `“${name}”`;
}
