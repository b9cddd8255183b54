// Candor's web front end: one page, hash routes, plain DOM (no framework, so that the bundle
// stays small enough to audit). Each role's pages live in src/pages/.
import { ready } from './crypto/sodium.js';
import { route, start } from './router.js';
import { h, notice } from './ui/dom.js';
import { homePage } from './pages/home.js';
import { lettersPage, letterPage } from './pages/letters.js';
import { logPage } from './pages/log.js';
import { memberPage, joinPage, memberLetterPage } from './pages/member.js';
import { staffRoutes } from './pages/staff.js';
import { cablesPage, readCablePage, writeCablePage } from './pages/cables.js';
import { reviewerRoutes } from './pages/inbox.js';

route('/', '', homePage);
route('/letters', '/letters', lettersPage);
route('/letters/:id', '/letters', letterPage);
route('/log', '/log', logPage);
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
  start();
}

void boot();
