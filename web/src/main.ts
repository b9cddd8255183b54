// Candor's web front end: one page, hash routes, plain DOM (no framework, so that the bundle
// stays small enough to audit). Each role's pages live in src/pages/.
import { ready } from './crypto/sodium.js';
import { api } from './api.js';
import { route, start } from './router.js';
import { h, notice } from './ui/dom.js';
import { homePage } from './pages/home.js';
import { lettersPage, letterPage } from './pages/letters.js';
import { logPage } from './pages/log.js';
import { memberPage, joinPage, memberLetterPage } from './pages/member.js';
import { staffRoutes } from './pages/staff.js';
import { cablesPage, readCablePage, writeCablePage } from './pages/cables.js';
import { reviewerRoutes } from './pages/inbox.js';
import { quickExit, safetyPage } from './pages/safety.js';
import { keepUnlocked, onLockWarning } from './keystore.js';

route('/', '', homePage);
route('/letters', '/letters', lettersPage);
route('/letters/:id', '/letters', letterPage);
route('/log', '/log', logPage);
route('/safety', '/safety', safetyPage);
route('/member', '/member', memberPage);
route('/member/join', '/member', joinPage);
route('/member/letters/:id', '/member', memberLetterPage);
route('/member/cables', '/member/cables', cablesPage);
route('/member/cables/new', '/member/cables', writeCablePage);
route('/member/cables/read', '/member/cables', readCablePage);
staffRoutes();
reviewerRoutes();

async function boot(): Promise<void> {
  try {
    await ready();
  } catch {
    const main = document.getElementById('main')!;
    main.replaceChildren(
      h('h1', null, 'This browser cannot run Candor'),
      notice(
        'error',
        h(
          'p',
          null,
          'Candor does its cryptography in this browser with WebAssembly, and this browser refused to run it. ',
          'Update the browser, or turn off settings or extensions that block WebAssembly, then reload. ',
          'The command-line client `candor` does everything these pages do.',
        ),
      ),
    );
    return;
  }
  document.getElementById('quick-exit')?.addEventListener('click', quickExit);
  watchIdleLock();
  start();
  void showWebRelease();
}

// The footer names the web release this server says it serves and logged (docs/PROTOCOL.md,
// "Web releases"). A page cannot vouch for itself — the server that sends this code could
// change this line too — so the footer says how to check from elsewhere: `candor audit --web`
// compares every served file with the logged release, byte for byte.
async function showWebRelease(): Promise<void> {
  const footer = document.querySelector('footer.site');
  if (footer === null) return;
  try {
    const r = await api<{ release: string; log_index: number }>('/web/release');
    const id = r.release.slice(0, 16).replace(/(.{4})(?=.)/g, '$1 ');
    footer.append(
      h(
        'p',
        { class: 'release', 'data-testid': 'web-release' },
        `These pages are web release ${id}… (log entry ${r.log_index}). To check that this server sends everyone the logged pages, run `,
        h('code', null, `candor audit --server ${location.origin} --web ${location.origin}`),
        ' from another computer and network, and compare the release with the one your organization announces.',
      ),
    );
  } catch {
    footer.append(h('p', { class: 'release' }, 'This server has not logged the pages it serves: they cannot be checked.'));
  }
}

void boot();

// The idle lock (keystore.ts) counts from the last thing the member did, not from unlocking:
// typing or clicking anywhere puts it off. A minute before it locks, a banner says so (and is
// announced), with a button that keeps the key unlocked; what is unsent is kept either way.
function watchIdleLock(): void {
  let last = 0;
  const active = () => {
    const now = Date.now();
    if (now - last < 2000) return;
    last = now;
    keepUnlocked();
  };
  for (const type of ['keydown', 'pointerdown', 'input']) document.addEventListener(type, active, { capture: true, passive: true });
  const keep = h('button', { type: 'button', class: 'secondary' }, 'Keep it unlocked');
  keep.addEventListener('click', () => {
    last = Date.now();
    keepUnlocked();
  });
  const banner = h(
    'div',
    { class: 'lock-warning', role: 'alert', 'data-testid': 'lock-warning', hidden: true },
    h('p', null, 'To protect your key if you have stepped away, this page locks it in one minute. Anything you have written and not sent is kept on this device, locked with your key.'),
    keep,
  );
  document.body.insertBefore(banner, document.getElementById('main'));
  onLockWarning((at) => {
    banner.hidden = at === null;
  });
}

