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

// A choice between the key this browser pinned and another one: both keys, what to check
// before trusting the other, and a button that trusts it from now on.
function trustOtherKeyHelp(
  pinned: Uint8Array,
  other: Uint8Array,
  labels: { other: string; otherTestId: string; button: string; buttonTestId: string; done: string; failed: string },
  advice: string[],
): HTMLElement {
  const status = statusRegion();
  const button = h('button', { type: 'button', class: 'secondary', 'data-testid': labels.buttonTestId }, labels.button);
  button.addEventListener('click', () => {
    button.disabled = true;
    void trustLogKey(other).then(
      () => replace(status, labels.done),
      () => {
        button.disabled = false;
        replace(status, labels.failed);
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
      h('dd', { class: 'mono break' }, keyText(pinned)),
      h('dt', null, labels.other),
      h('dd', { class: 'mono break', 'data-testid': labels.otherTestId }, keyText(other)),
    ),
    h('p', null, ...advice),
    h('div', { class: 'actions' }, button),
    status,
  );
}

// Shown with a LogKeyChangedError: both keys, and a button that trusts the new one.
export function keyChangedHelp(e: LogKeyChangedError): HTMLElement {
  return trustOtherKeyHelp(
    e.pinnedKey,
    e.servedKey,
    {
      other: 'Key the server uses now',
      otherTestId: 'served-log-key',
      button: 'Trust the new key from now on',
      buttonTestId: 'trust-new-log-key',
      done: 'Done: this browser now trusts the new key. Reload the page to continue.',
      failed: 'This browser would not store the new key. Try again.',
    },
    [
      'Trust the new key only if it is exactly the one your organization announced, and only if you learnt it some other way than from this server (a letter, a meeting, an official notice).',
    ],
  );
}

// Shown with a LogKeyMismatchError: the key this browser pinned and the key the member entered
// (the "Log key" box), and a button that trusts the entered one instead of the pin — the
// browser's "move the pin file away" of the command line's --log-key.
export function keyMismatchHelp(e: LogKeyMismatchError): HTMLElement {
  return trustOtherKeyHelp(
    e.pinnedKey,
    e.enteredKey,
    {
      other: 'Key you entered under “Log key”',
      otherTestId: 'entered-log-key',
      button: 'Trust the key I entered from now on',
      buttonTestId: 'trust-entered-log-key',
      done: 'Done: this browser now trusts the key you entered. Reload the page to continue.',
      failed: 'This browser would not store the key. Try again.',
    },
    [
      'Trust the key you entered only if it is exactly the one your organization announced, and only if you learnt it some other way than from this server (a letter, a meeting, an official notice). ',
      'If you are not sure, remove the key you entered under “Log key” on the “My letters and keys” page and ask your organization.',
    ],
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
