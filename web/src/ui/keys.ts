// Pieces of the member pages that deal with keys: unlocking, passphrase choice, key cards.
import { api, type OrgSummary, type Roster } from '../api.js';
import { openKey, changePassphrase } from '../keyworker.js';
import {
  deleteKey,
  isUnlocked,
  lock,
  putKey,
  remember,
  type StoredKey,
} from '../keystore.js';
import { add, download, errorRegion, field, form, h, notice, replace, statusRegion } from './dom.js';
import { showError } from './errors.js';

export const MIN_PASSPHRASE = 10;

// Two password fields and the advice that goes with them. `check()` returns the passphrase or
// throws a plain-language Error.
export function newPassphraseFields(): { element: HTMLElement; check: () => string; clear: () => void } {
  const first = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: MIN_PASSPHRASE, name: 'new-passphrase' });
  const second = h('input', { type: 'password', autocomplete: 'new-password', required: true, name: 'repeat-passphrase' });
  const element = h(
    'div',
    { class: 'stack' },
    field({
      label: 'Choose a passphrase',
      input: first,
      hint: `At least ${MIN_PASSPHRASE} characters; four or more unrelated words are easy to remember and hard to guess. It locks your key on this device. Nobody can recover it for you.`,
    }),
    field({ label: 'Type the passphrase again', input: second }),
  );
  return {
    element,
    check: () => {
      if (first.value.length < MIN_PASSPHRASE) {
        first.focus();
        throw new Error(`The passphrase is too short: use at least ${MIN_PASSPHRASE} characters (four words work well).`);
      }
      if (first.value !== second.value) {
        second.focus();
        throw new Error('The two passphrases are different. Type the same passphrase in both fields.');
      }
      return first.value;
    },
    clear: () => {
      first.value = '';
      second.value = '';
    },
  };
}

// A form that unlocks `key` with its passphrase (Argon2id in the key worker).
export function unlockForm(key: StoredKey, onUnlocked: () => void): HTMLFormElement {
  const pass = h('input', { type: 'password', autocomplete: 'current-password', required: true, name: 'passphrase' });
  const errors = errorRegion();
  const status = statusRegion();
  return form(
    { 'aria-label': `Unlock the key for ${key.orgName}` },
    async () => {
      errors.replaceChildren();
      if (pass.value.length === 0) {
        showError(errors, new Error('Type the passphrase of this key first.'));
        pass.focus();
        return;
      }
      replace(status, h('p', null, 'Unlocking… this takes a few seconds on purpose, so that a stolen key file is hard to guess.'));
      try {
        const keys = await openKey(key.file, pass.value);
        pass.value = '';
        status.replaceChildren();
        remember(key.id, keys);
        onUnlocked();
      } catch (e) {
        status.replaceChildren();
        showError(errors, e);
        pass.select();
      }
    },
    field({ label: `Passphrase of your ${key.orgName} key`, input: pass }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Unlock')),
    status,
    errors,
  );
}

function keyFileName(key: StoredKey): string {
  return `candor-${key.org || 'member'}.key`;
}

// One key on this device: what it is for, and what can be done with it.
export function keyCard(key: StoredKey, redraw: () => void): HTMLElement {
  const unlocked = isUnlocked(key.id);
  const errors = errorRegion();
  const status = statusRegion();
  const card = h('li', { class: 'card', 'data-testid': `key-${key.org}` });

  const removeArea = h('div');
  const askRemove = h('button', { type: 'button', class: 'secondary' }, 'Remove from this device…');
  askRemove.addEventListener('click', () => {
    replace(
      removeArea,
      notice(
        'warn',
        h('p', null, h('strong', null, 'Remove this key from this browser? '), 'Unless you saved a copy of the key file, you lose this membership: you will need a new invitation.'),
        h(
          'div',
          { class: 'actions' },
          h('button', {
            type: 'button',
            class: 'danger',
            onclick: () => {
              void deleteKey(key.id).then(redraw, (e: unknown) => showError(errors, e));
            },
          }, 'Yes, remove it'),
          h('button', { type: 'button', class: 'secondary', onclick: () => removeArea.replaceChildren() }, 'Keep it'),
        ),
      ),
    );
  });

  const passwdArea = h('details', null, h('summary', null, 'Change the passphrase'));
  {
    const old = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const fresh = newPassphraseFields();
    const perr = errorRegion();
    const pstat = statusRegion();
    passwdArea.append(
      form(
        { 'aria-label': 'Change the passphrase' },
        async () => {
          perr.replaceChildren();
          try {
            const next = fresh.check();
            replace(pstat, h('p', null, 'Re-encrypting your key… this takes a few seconds.'));
            const file = await changePassphrase(key.file, old.value, next);
            await putKey({ ...key, file });
            old.value = '';
            fresh.clear();
            replace(pstat, notice('ok', h('p', null, 'The passphrase is changed. Saved copies of the key file still open with the old one: save a new copy, and delete the old.')));
          } catch (e) {
            pstat.replaceChildren();
            showError(perr, e);
          }
        },
        field({ label: 'Current passphrase', input: old }),
        fresh.element,
        h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Change the passphrase')),
        pstat,
        perr,
      ),
    );
  }

  add(
    card,
    h('h3', null, key.orgName || 'A member key'),
    h(
      'p',
      null,
      key.enrolled
        ? h('span', { class: 'badge ok' }, 'Member')
        : h('span', { class: 'badge' }, 'Not on a member list yet'),
      ' ',
      unlocked ? h('span', { class: 'badge ok', 'data-testid': 'unlocked' }, 'Unlocked') : h('span', { class: 'badge' }, 'Locked'),
    ),
    key.enrolled
      ? null
      : h('p', null, 'This key is not on an organization’s member list. ', h('a', { href: '#/member/join' }, 'Join with an invitation'), ' to use it.'),
    unlocked
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => { lock(key.id); redraw(); } }, 'Lock'),
          h('span', { class: 'hint' }, 'It locks by itself after 15 idle minutes and when you close this page.'),
        )
      : unlockForm(key, redraw),
    h(
      'div',
      { class: 'actions' },
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          download(key.file, keyFileName(key), 'application/octet-stream');
          replace(status, h('p', null, `Saved ${keyFileName(key)}. It is encrypted with your passphrase; the command line opens it too (candor key show ${keyFileName(key)}).`));
        },
      }, 'Save a copy of the key file'),
      askRemove,
    ),
    status,
    removeArea,
    passwdArea,
    h(
      'details',
      null,
      h('summary', null, 'Public keys'),
      h('dl', { class: 'facts' }, h('dt', null, 'Ring key'), h('dd', null, h('code', null, key.ringPublic)), h('dt', null, 'Reply key'), h('dd', null, h('code', null, key.replyPublic))),
    ),
    errors,
  );
  return card;
}

// The organizations whose current roster holds `ringPublic` (public reads only).
export async function organizationsHolding(ringPublic: string): Promise<OrgSummary[]> {
  const { organizations } = await api<{ organizations: OrgSummary[] }>('/orgs');
  const found: OrgSummary[] = [];
  for (const org of organizations) {
    const roster = await api<Roster>(`/orgs/${encodeURIComponent(org.slug)}/roster`);
    if (roster.members.some((m) => m.ring_public === ringPublic)) found.push(org);
  }
  return found;
}
