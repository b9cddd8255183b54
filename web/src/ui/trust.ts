// What the pages say about the public log this browser trusts (trust.ts): a note when its key
// was pinned just now, the way to trust a new key the organization announced, and the list of
// reviewers a cable will be sealed to, as the log names them.
import { toHex } from '../crypto/bytes.js';
import { keyFingerprint, type LoggedReviewer } from '../crypto/org_state.js';
import { LogKeyChangedError, LogKeyMismatchError, trustLogKey, type TrustedHead } from '../trust.js';
import { h, replace, statusRegion } from './dom.js';

// A 32-byte key as 8 groups of 8 hex digits, easier to compare by eye than one long run.
export function keyText(key: Uint8Array): string {
  return (toHex(key).match(/.{1,8}/g) ?? []).join(' ');
}

// Null unless the log's key was pinned by this very check.
export function firstUseNote(head: TrustedHead): HTMLElement | null {
  if (!head.firstUse) return null;
  return h(
    'p',
    { class: 'hint', 'data-testid': 'log-key-pinned' },
    'This is the first time this browser checks this server’s public log. From now on it remembers the log’s key (',
    h('span', { class: 'mono break' }, keyText(head.logKey)),
    ') and stops if the log is ever signed by another key or rewritten.',
  );
}

// Shown with a LogKeyChangedError: both keys, and a button that trusts the new one.
export function keyChangedHelp(e: LogKeyChangedError): HTMLElement {
  const status = statusRegion();
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'trust-new-log-key' }, 'Trust the new key from now on');
  button.addEventListener('click', () => {
    button.disabled = true;
    void trustLogKey(e.servedKey).then(
      () => replace(status, 'Done: this browser now trusts the new key. Reload the page to continue.'),
      () => {
        button.disabled = false;
        replace(status, 'This browser would not store the new key. Try again.');
      },
    );
  });
  return h(
    'details',
    null,
    h('summary', null, 'My organization announced a new log key'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Key this browser trusted until now'),
      h('dd', { class: 'mono break' }, keyText(e.pinnedKey)),
      h('dt', null, 'Key the server uses now'),
      h('dd', { class: 'mono break', 'data-testid': 'served-log-key' }, keyText(e.servedKey)),
    ),
    h(
      'p',
      null,
      'Trust the new key only if it is exactly the one your organization announced, and only if you learnt it some other way than from this server (a letter, a meeting, an official notice).',
    ),
    h('div', { class: 'actions' }, button),
    status,
  );
}

// Shown with a LogKeyMismatchError: the key this browser pinned and the key the member entered
// (the "Log key" box), and a button that trusts the entered one instead of the pin — the
// browser's "move the pin file away" of the command line's --log-key.
export function keyMismatchHelp(e: LogKeyMismatchError): HTMLElement {
  const status = statusRegion();
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': 'trust-entered-log-key' }, 'Trust the key I entered from now on');
  button.addEventListener('click', () => {
    button.disabled = true;
    void trustLogKey(e.enteredKey).then(
      () => replace(status, 'Done: this browser now trusts the key you entered. Reload the page to continue.'),
      () => {
        button.disabled = false;
        replace(status, 'This browser would not store the key. Try again.');
      },
    );
  });
  return h(
    'details',
    null,
    h('summary', null, 'My organization announced a new log key'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Key this browser trusted until now'),
      h('dd', { class: 'mono break' }, keyText(e.pinnedKey)),
      h('dt', null, 'Key you entered under “Log key”'),
      h('dd', { class: 'mono break', 'data-testid': 'entered-log-key' }, keyText(e.enteredKey)),
    ),
    h(
      'p',
      null,
      'Trust the key you entered only if it is exactly the one your organization announced, and only if you learnt it some other way than from this server (a letter, a meeting, an official notice). ',
      'If you are not sure, remove the key you entered under “Log key” on the “Your keys” page and ask your organization.',
    ),
    h('div', { class: 'actions' }, button),
    status,
  );
}

// The name a reviewer is shown under: the logged username, or a placeholder for a key that
// the older "reviewer-key" entries logged without one.
export function reviewerName(r: LoggedReviewer): string {
  return r.username === '' ? '(name not logged)' : r.username;
}

// "Who will be able to read it": each reviewer's logged username and key fingerprint.
export function reviewerList(reviewers: readonly LoggedReviewer[]): HTMLElement {
  return h(
    'ul',
    { 'data-testid': 'cable-readers' },
    reviewers.map((r) =>
      h(
        'li',
        { 'data-account': String(r.accountId) },
        h('strong', null, reviewerName(r)),
        ' — key ',
        h('span', { class: 'mono' }, keyFingerprint(r.boxPublic)),
      ),
    ),
  );
}
