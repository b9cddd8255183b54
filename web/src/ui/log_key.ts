// The "Log key" box of the member's keys page: the log key the member's organization publishes,
// entered so that this browser checks the server's public log against it rather than against
// the key the server named the first time (trust.ts, EXPLICIT_LOG_KEY; the command line's
// --log-key). Stored per origin in localStorage, so it applies to every page of this server in
// this browser (members' and reviewers'). A key that differs from the one this browser pinned
// stops every flow until the member settles which one is right (LogKeyMismatchError).
import { bytesEqual } from '../crypto/bytes.js';
import { CandorError } from '../crypto/errors.js';
import { browserTrustStore, loadExplicitLogKey, LogKeyMismatchError, logKeyFromInput, saveExplicitLogKey } from '../trust.js';
import { errorRegion, field, form, h, notice, replace, statusRegion } from './dom.js';
import { showError } from './errors.js';
import { keyMismatchHelp, keyText } from './trust.js';

// The stored key, or the plain words of why it cannot be read.
function stored(): { key: Uint8Array | null; damaged: string | null } {
  try {
    return { key: loadExplicitLogKey(), damaged: null };
  } catch (e) {
    if (e instanceof CandorError) return { key: null, damaged: e.message };
    throw e;
  }
}

// The key this browser pinned for this server; null: none yet (or it cannot be read).
async function pinned(): Promise<Uint8Array | null> {
  try {
    return (await browserTrustStore.load())?.logKey ?? null;
  } catch {
    return null;
  }
}

// What to say when the entered key is not the pinned one: every page stops until it is settled.
function mismatch(pin: Uint8Array, key: Uint8Array): HTMLElement {
  return notice(
    'warn',
    h(
      'p',
      { 'data-testid': 'log-key-mismatch' },
      h('strong', null, 'This is not the key this browser has trusted for this server until now. '),
      'Until this is settled, every page stops before it signs, sends or reads anything. ',
      'Check the key with your organization. If you mistyped it, correct it or remove it; if your organization announced a new log key, trust the one you entered below.',
    ),
    keyMismatchHelp(new LogKeyMismatchError(pin, key)),
  );
}

export function logKeySection(): HTMLElement {
  const current = h('div', { 'data-testid': 'log-key-current' });
  const errors = errorRegion();
  errors.setAttribute('data-testid', 'log-key-errors');
  const status = statusRegion();
  const input = h('input', {
    type: 'text',
    name: 'log-key',
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    class: 'mono',
    'data-testid': 'log-key-input',
  });
  const remove = h('button', { type: 'button', class: 'secondary', 'data-testid': 'remove-log-key' }, 'Remove the log key');

  let drawing = 0;
  async function draw(): Promise<void> {
    const turn = ++drawing;
    const { key, damaged } = stored();
    if (damaged !== null) {
      replace(current, notice('error', h('p', null, damaged)));
      return;
    }
    const pin = await pinned();
    if (turn !== drawing) return; // a newer draw is under way
    if (key === null) {
      replace(
        current,
        h(
          'p',
          { 'data-testid': 'log-key-none' },
          h('strong', null, 'Now: no log key entered. '),
          pin === null
            ? 'The first time this browser checks this server’s public log, it will trust the key the server names, and refuse any other from then on.'
            : ['This browser trusts the key the server named the first time it checked its public log: ', h('span', { class: 'mono break' }, keyText(pin)), '.'],
        ),
      );
      return;
    }
    input.value = '';
    replace(
      current,
      h('p', { 'data-testid': 'log-key-set' }, h('strong', null, 'Now: '), 'this browser checks the server’s public log against this key:'),
      h('p', { class: 'mono break', 'data-testid': 'log-key-entered' }, keyText(key)),
      pin !== null && !bytesEqual(pin, key) ? mismatch(pin, key) : null,
    );
  }

  remove.addEventListener('click', () => {
    errors.replaceChildren();
    const had = stored();
    saveExplicitLogKey(null);
    input.value = '';
    void draw();
    replace(
      status,
      notice(
        'ok',
        h(
          'p',
          null,
          had.key === null && had.damaged === null
            ? 'There was no log key entered in this browser.'
            : 'Removed. This browser now checks the server’s public log against the key it trusted the first time it checked this server.',
        ),
      ),
    );
  });

  const f = form(
    { 'aria-label': 'Log key' },
    async () => {
      errors.replaceChildren();
      status.replaceChildren();
      const parsed = logKeyFromInput(input.value);
      if (parsed.key === null) {
        replace(errors, notice('error', h('p', null, h('strong', null, 'The log key was not saved. ')), h('p', null, parsed.problem)));
        input.focus();
        return;
      }
      const key = parsed.key;
      try {
        saveExplicitLogKey(key);
      } catch (e) {
        showError(errors, e, 'The log key was not saved.');
        return;
      }
      await draw();
      const pin = await pinned();
      if (pin !== null && !bytesEqual(pin, key)) {
        // draw() shows the mismatch and the way to settle it.
        replace(status, notice('warn', h('p', { 'data-testid': 'log-key-saved' }, 'Saved — but read the warning above before you go on.')));
        return;
      }
      replace(
        status,
        notice(
          'ok',
          h(
            'p',
            { 'data-testid': 'log-key-saved' },
            pin === null
              ? 'Saved. From now on this browser checks the server’s public log against this key, and stops if the log is signed by any other.'
              : 'Saved. It is the key this browser already trusted for this server, so all is as it should be. From now on this browser stops if the log is signed by any other.',
          ),
        ),
      );
    },
    field({
      label: 'Your organization’s log key',
      input,
      hint: '64 characters (0–9 and a–f), exactly as your organization publishes it. Take it from your organization — a letter, a meeting, an official notice — not from this server.',
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'save-log-key' }, 'Save the log key'), remove),
    status,
    errors,
  );

  void draw();
  return h(
    'section',
    { 'aria-labelledby': 'log-key-h', 'data-testid': 'log-key' },
    h('h2', { id: 'log-key-h' }, 'Log key'),
    h(
      'p',
      null,
      'Everything Candor does is recorded in a public log, and the log is signed with a key. ',
      'Without your help, this browser trusts the key the server names the first time it looks — so a server that was already replaced or lying on that day would go unnoticed. ',
      'Your organization publishes its log key: paste it here, and this browser checks the server against that key, not against what the server says the first time. If the two ever differ, every page stops and tells you, before anything is signed or sent.',
    ),
    current,
    f,
  );
}
