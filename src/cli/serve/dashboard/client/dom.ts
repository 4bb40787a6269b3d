/** A tiny DOM builder: the dashboard has no framework (no dependency, a small page). */
export type Child = Node | string | number | null | undefined | false;
type Attr = string | number | boolean | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Readonly<Record<string, Attr>> = {}, ...children: readonly (Child | readonly Child[])[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly (Child | readonly Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `parent` shows. */
export function show(parent: Element, ...children: readonly (Child | readonly Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

export function percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '∞';
  return `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.1 ? 1 : 0)}%`;
}

export function amount(value: number | undefined): string {
  if (value === undefined) return '0';
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

export function resources(r: Readonly<Record<string, number>> | undefined): string {
  const entries = Object.entries(r ?? {}).filter(([, v]) => v !== 0);
  return entries.length === 0 ? '—' : entries.map(([d, v]) => `${d} ${amount(v)}`).join(', ');
}

export function time(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return new Date(ms).toLocaleTimeString();
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** A labelled meter (0–1): the number is always written out, the bar only shows it. */
export function meter(fraction: number, label: string): HTMLElement {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 1));
  return h('span', { class: `meter${fraction > 1 ? ' over' : ''}`, role: 'img', 'aria-label': `${label}: ${percent(fraction)}` }, h('span', { class: 'fill', style: `width:${(clamped * 100).toFixed(1)}%` }));
}

export function table(caption: string, head: readonly string[], rows: readonly (readonly Child[])[], empty = 'None.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h(
    'div',
    { class: 'scroll' },
    h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, head.map((name) => h('th', { scope: 'col' }, name)))), h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))),
  );
}

export function link(href: string, text: string): HTMLAnchorElement {
  return h('a', { href }, text);
}

export function jobLink(id: string): HTMLAnchorElement {
  return link(`#/jobs/${encodeURIComponent(id)}`, id);
}
