// Building the page without innerHTML: every string lands in a text node or an attribute, so
// nothing the server or another member wrote (a letter's text, a cable) can become markup.
//
//   h('button', { type: 'button', onclick: () => go() }, 'Sign')
//   field({ label: 'Passphrase', input: h('input', { type: 'password' }), hint: '…' })

export type Child = Node | string | number | null | undefined | false | Child[];
type Listener = (event: Event) => void;
export type Attrs = Record<string, string | number | boolean | Listener | null | undefined>;

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (typeof value === 'function') {
      throw new TypeError(`attribute ${name} cannot be a function`);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
}

// An HTML element with attributes (event listeners for on* keys) and children.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// An SVG element (the chart is drawn with these).
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

// Appends children (strings, nodes, nested lists; null and false are skipped).
export function add(el: Element, ...children: Child[]): void {
  append(el, children);
}

// Replaces the children of `el`.
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let idCounter = 0;
// A fresh id for label/for and aria-describedby pairs.
export function uid(prefix = 'f'): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export interface FieldOptions {
  label: string;
  input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  hint?: Child;
}

// A labelled field: <label for> above the input, an optional hint tied with aria-describedby.
export function field(o: FieldOptions): HTMLDivElement {
  const id = o.input.id || uid();
  o.input.id = id;
  const label = h('label', { for: id }, o.label);
  let hint: HTMLElement | null = null;
  if (o.hint !== undefined) {
    hint = h('p', { class: 'hint', id: `${id}-hint` }, o.hint);
    o.input.setAttribute('aria-describedby', hint.id);
  }
  return h('div', { class: 'field' }, label, hint, o.input);
}

// A checkbox or radio with its label to the right.
export function choice(input: HTMLInputElement, label: Child, hint?: Child): HTMLDivElement {
  const id = input.id || uid();
  input.id = id;
  return h(
    'div',
    { class: 'choice' },
    input,
    h('label', { for: id }, label, hint ? h('span', { class: 'hint' }, h('br'), hint) : null),
  );
}

// A region that announces errors to screen readers as soon as they appear.
export function errorRegion(): HTMLDivElement {
  return h('div', { class: 'errors', role: 'alert', 'aria-live': 'assertive' });
}

// A region for progress and results, announced politely.
// Moves focus to what an action produced (the result of joining, signing, unlocking, reading
// replies), so that keyboard users land on it and screen readers read it out (WCAG 2.4.3 and
// 4.1.3): otherwise focus falls to the page body when the control that was used goes away.
export function focusResult(el: Element | null): void {
  if (!(el instanceof HTMLElement)) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}

// A table that may scroll sideways on a narrow screen: its scroller is a named region the
// keyboard can reach (tabindex 0), so that a keyboard user can scroll it too (axe's
// scrollable-region-focusable, WCAG 2.1.1; Safari does not make scrollers focusable itself).
export function tableWrap(label: string, ...children: Child[]): HTMLDivElement {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, ...children);
}

export function statusRegion(): HTMLDivElement {
  return h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
}

export type NoticeKind = 'info' | 'ok' | 'warn' | 'error';

export function notice(kind: NoticeKind, ...children: Child[]): HTMLDivElement {
  return h('div', { class: `notice ${kind === 'info' ? '' : kind}`.trim() }, ...children);
}

// A form whose submit runs `onSubmit` (never a native submission: the CSP forbids those, and
// so nothing typed here can end up in a URL). While it runs, its submit buttons are disabled.
export function form(
  attrs: Attrs,
  onSubmit: (form: HTMLFormElement) => Promise<void> | void,
  ...children: Child[]
): HTMLFormElement {
  // novalidate: the page checks every field itself and says in words what to fix, rather than
  // the browser's own bubbles (which screen readers and translators handle unevenly).
  const f = h('form', { method: 'post', novalidate: true, ...attrs }, ...children);
  f.addEventListener('submit', (event) => {
    event.preventDefault();
    const buttons = Array.from(f.querySelectorAll('button'));
    for (const b of buttons) b.disabled = true;
    Promise.resolve()
      .then(() => onSubmit(f))
      .finally(() => {
        for (const b of buttons) b.disabled = false;
      });
  });
  return f;
}

// Formats an absolute time in the reader's locale.
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

// "3 members", "1 member".
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

// Offers `bytes` as a file download without a round trip to the server.
export function download(bytes: Uint8Array | string, name: string, type: string): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'visually-hidden' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Reads a chosen file into bytes.
export async function readFile(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

// Copies `text` to the clipboard; false where the browser refuses.
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
