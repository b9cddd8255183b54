// Hash routes: "#/letters/<id>". The part after '#' never reaches the server, and only public
// identifiers (letter ids, page names) ever appear in it: invitation codes, passphrases and
// receipts are typed or pasted into the page, never linked.

export type Params = Record<string, string>;
// A page draws itself into `main` and may return a function that stops what it started
// (timers, workers) when the reader leaves.
export type Page = (main: HTMLElement, params: Params) => Promise<(() => void) | void> | (() => void) | void;

interface Route {
  parts: string[];
  page: Page;
  nav: string; // the main navigation entry to mark as current
}

const routes: Route[] = [];
let cleanup: (() => void) | null = null;
let generation = 0;
let shown = '/'; // the path the page on screen was drawn for
let leaveGuard: string | null = null;

// While a page holds something the reader must not lose (a receipt not yet saved), leaving
// asks first: following a link or Back with a confirm() question, reloading or closing the
// tab with the browser's own. `message` null lifts the guard; drawing another page lifts it too.
export function guardLeaving(message: string | null): void {
  leaveGuard = message;
}

export function route(pattern: string, nav: string, page: Page): void {
  routes.push({ parts: pattern.split('/').filter((p) => p.length > 0), page, nav });
}

function match(path: string): { route: Route; params: Params } | null {
  const parts = path.split('/').filter((p) => p.length > 0);
  for (const r of routes) {
    if (r.parts.length !== parts.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const want = r.parts[i]!;
      const got = parts[i]!;
      if (want.startsWith(':')) {
        try {
          params[want.slice(1)] = decodeURIComponent(got);
        } catch {
          ok = false;
        }
      } else ok = want === got;
    }
    if (ok) return { route: r, params };
  }
  return null;
}

export function currentPath(): string {
  const hash = window.location.hash;
  return hash.startsWith('#') ? hash.slice(1) || '/' : '/';
}

export function navigate(path: string): void {
  if (currentPath() === path) void render();
  else window.location.hash = path;
}

// Sets the document title and moves focus to the page's heading, so that a screen reader
// announces the new page.
export function titled(main: HTMLElement, title: string): void {
  document.title = `${title} — Candor`;
  const h1 = main.querySelector('h1');
  if (h1) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: false });
  }
}

async function render(): Promise<void> {
  const main = document.getElementById('main');
  if (!main) return;
  generation += 1;
  const mine = generation;
  leaveGuard = null;
  shown = currentPath();
  if (cleanup) {
    const c = cleanup;
    cleanup = null;
    try {
      c();
    } catch {
      // a page's cleanup must not stop the next page
    }
  }
  const found = match(currentPath());
  markNav(found?.route.nav ?? '');
  main.replaceChildren();
  window.scrollTo(0, 0);
  if (!found) {
    const h1 = document.createElement('h1');
    h1.textContent = 'This page does not exist';
    const p = document.createElement('p');
    const a = document.createElement('a');
    a.href = '#/';
    a.textContent = 'Go to the start page';
    p.append('The address may be mistyped. ', a, '.');
    main.append(h1, p);
    titled(main, 'Not found');
    return;
  }
  const result = await found.route.page(main, found.params);
  if (typeof result === 'function') {
    if (mine === generation) cleanup = result;
    else result(); // the reader already left
  }
}

function markNav(nav: string): void {
  for (const a of Array.from(document.querySelectorAll('header.site nav a'))) {
    const href = a.getAttribute('href') ?? '';
    if (nav !== '' && href === `#${nav}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// True while the page that called it is still the one shown (after an await).
export function stillHere(): () => boolean {
  const mine = generation;
  return () => mine === generation;
}

export function start(): void {
  window.addEventListener('hashchange', () => {
    if (leaveGuard !== null && currentPath() !== shown && !window.confirm(leaveGuard)) {
      // Stay: put the address back without drawing the page again.
      history.replaceState(history.state, '', `#${shown}`);
      return;
    }
    void render();
  });
  window.addEventListener('beforeunload', (e) => {
    if (leaveGuard === null) return;
    e.preventDefault();
    e.returnValue = leaveGuard;
  });
  // The "Skip to the content" link moves focus to the page's heading. Followed as a link, its
  // "#main" would be taken for a route and replace the page (and anything typed into it).
  document.querySelector('a.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    const main = document.getElementById('main');
    const target = main?.querySelector<HTMLElement>('h1') ?? main;
    target?.setAttribute('tabindex', '-1');
    target?.focus();
  });
  // A link to the page already shown reloads its data (the hash does not change, so no
  // hashchange would fire).
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[href^="#"]') : null;
    if (a && a.getAttribute('href') === window.location.hash && !e.defaultPrevented) {
      e.preventDefault();
      void render();
    }
  });
  void render();
}
