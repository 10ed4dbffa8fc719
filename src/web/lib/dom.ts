/** Builds elements from text only (never HTML strings), so no data can inject markup. */
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export function setStatus(text: string, kind: 'info' | 'error' | 'empty' = 'info'): void {
  const status = byId('status');
  status.textContent = text;
  status.dataset.kind = kind;
  status.hidden = text === '';
}

/** Fills a <select> with options after its first ("Semua"), keeping the value asked for. */
export function fillSelect(select: HTMLSelectElement, options: Readonly<Record<string, string>>, selected: string | null): void {
  for (const [value, text] of Object.entries(options)) select.append(el('option', { value, selected: value === selected }, text));
}

/** A table of rows for the data behind a chart, or any list. */
export function table(
  caption: string,
  headers: readonly { text: string; numeric?: boolean }[],
  rows: readonly (readonly (Node | string)[])[],
): HTMLTableElement {
  return el(
    'table',
    {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { scope: 'col', class: header.numeric ? 'num' : undefined }, header.text)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell, index) => el('td', { class: headers[index]?.numeric ? 'num' : undefined }, cell))))),
  );
}
