// The safety guide (issue 17, problem 8): calm, short, in plain words, where a member starts;
// and the quick exit every page carries in its header.
import { api } from '../api.js';
import { h } from '../ui/dom.js';
import { guardLeaving, titled } from '../router.js';
import { lockAll } from '../keystore.js';

// An ordinary page to show instead of Candor. Leaving by `location.replace` keeps Candor's
// page out of the tab's Back history entry it replaces.
export const QUICK_EXIT_URL = 'https://en.wikipedia.org/wiki/Weather';

// Hides everything at once, forgets every unlocked key, and opens an ordinary website in this
// tab. It cannot erase the browser's history: the guide says so.
export function quickExit(): void {
  guardLeaving(null);
  lockAll();
  document.title = 'Weather';
  document.body.replaceChildren();
  try {
    sessionStorage.clear();
  } catch {
    // storage refused: nothing kept there to clear
  }
  location.replace(QUICK_EXIT_URL);
}

// This server's Tor onion address, when it has one (GET /api/v1/reach: the same answer for
// everyone, so asking singles nobody out); null otherwise or when it cannot be read.
// Asked once per page load.
let reach: Promise<string | null> | null = null;
export function onionAddress(): Promise<string | null> {
  reach ??= api<{ onion: string | null }>('/reach').then(
    ({ onion }) => (typeof onion === 'string' && /^http:\/\/[a-z2-7]{56}\.onion\/$/.test(onion) ? onion : null),
    () => null,
  );
  return reach;
}

export function safetyPage(main: HTMLElement): void {
  const onionArea = h('div', { 'data-testid': 'onion-area' });
  void onionAddress().then((onion) => {
    if (!onion) return;
    onionArea.append(
      h(
        'p',
        null,
        'This server also has an address that works only in Tor Browser, so that not even Tor’s exits see where you go: ',
        h('code', { class: 'break', 'data-testid': 'onion-address' }, onion),
        '. Type or paste it into Tor Browser on your own device — not on a work computer or the office network.',
      ),
    );
  });
  const section = (id: string, title: string, ...paragraphs: (string | HTMLElement)[]) =>
    h(
      'section',
      { 'aria-labelledby': id },
      h('h2', { id }, title),
      ...paragraphs.map((p) => (typeof p === 'string' ? h('p', null, p) : p)),
    );
  main.append(
    h('h1', null, 'Staying safe'),
    h(
      'p',
      { class: 'lead' },
      'A few minutes here can keep your name out of it. None of this is hard, and you can come back to it at any time.',
    ),
    section(
      'safety-device',
      'Use your own device and network',
      'Use a phone or computer that is yours, on your home internet or mobile data. A work computer, a work phone or the office Wi-Fi may be watched by your employer, even when the page itself is encrypted.',
    ),
    section(
      'safety-tor',
      'Hide that you visit this site',
      'Your internet provider or employer network can see which sites you visit, though not what you write. Tor Browser (from torproject.org) hides that too. Open this same address in Tor Browser if that matters to you.',
      onionArea,
    ),
    section(
      'safety-private',
      'A private window',
      'In a private (incognito) window, the browser forgets this site, its history and your key when you close the window. If you use one, save your key file somewhere safe first: without it you cannot sign or write again with the same key.',
    ),
    section(
      'safety-kept',
      'What Candor keeps in this browser',
      h(
        'ul',
        null,
        h('li', null, 'Your key, locked with your passphrase. Nobody can use it without the passphrase, but its presence shows that this browser has been used with Candor.'),
        h('li', null, 'Which letters you signed with it and how many messages you sent to the reviewers in the current period, locked with the same key.'),
        h('li', null, 'Until you close the tab: that a message was sent from it, so that going Back does not invite a second one.'),
        h('li', null, 'Nothing else: no name, no email, and never the 12 words of a receipt.'),
      ),
      h('p', null, 'To remove it: on “My letters and keys”, choose “Remove from this device…” (save the key file first if you want to keep it), or delete this site’s data in your browser’s settings.'),
    ),
    section(
      'safety-files',
      'Files and history',
      h(
        'ul',
        null,
        h('li', null, 'Files you save from these pages are named “candor-…”. Move them out of your Downloads folder, to a place only you use, or rename them.'),
        h('li', null, 'The 12 words of a receipt: on paper kept at home, or in a password manager on your own device — never in a work e-mail, chat or shared document.'),
        h('li', null, 'This site appears in your browser history. A private window avoids that; otherwise you can delete the entries from your history.'),
        h('li', null, 'If your browser offers to save your passphrase, choose “Never” on any device someone else uses.'),
      ),
    ),
    section(
      'safety-leave',
      'Leaving quickly',
      'The “Quick exit” button at the top of every page hides this page at once, locks your key and opens an ordinary website in this tab. It does not erase your browser history.',
    ),
    h('p', null, h('a', { class: 'button', href: '#/member/join' }, 'Join my organization'), ' ', h('a', { class: 'button secondary', href: '#/' }, 'Back to the start')),
  );
  titled(main, 'Staying safe');
}

// One line for the moments it matters (before signing, before sending), linking the guide.
export function safetyReminder(what: string): HTMLElement {
  const line = h(
    'p',
    { class: 'hint', 'data-testid': 'safety-reminder' },
    `Before you ${what}: are you on your own device and network? `,
    h('a', { href: '#/safety' }, 'How to stay safe'),
  );
  void onionAddress().then((onion) => {
    if (onion && !location.hostname.endsWith('.onion')) {
      line.append(' Safer still: this server’s Tor address, in Tor Browser: ', h('code', { class: 'break', 'data-testid': 'onion-reminder' }, onion));
    }
  });
  return line;
}
