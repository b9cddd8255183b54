// The "Witnesses" box of the member's keys page: the witness keys and threshold this browser
// requires before it trusts a state of the public log (trust.ts, WitnessPolicy; the command
// line's --witness KEY … --witness-threshold K). Stored per origin in localStorage, so it
// applies to every page of this server in this browser (members' and reviewers').
import { toHex } from '../crypto/bytes.js';
import { CandorError } from '../crypto/errors.js';
import { loadWitnessPolicy, saveWitnessPolicy, witnessKeysFromLines, type WitnessPolicy } from '../trust.js';
import { errorRegion, field, form, h, notice, plural, replace, statusRegion } from './dom.js';
import { showError } from './errors.js';
import { keyText } from './trust.js';

// "2 of these 3 witnesses", "this witness", "all 3 of these witnesses".
function requirement(p: WitnessPolicy): string {
  const n = p.keys.length;
  if (n === 1) return 'this witness';
  if (p.threshold === n) return `all ${n} of these witnesses`;
  return `${p.threshold} of these ${n} witnesses`;
}

// The stored policy, or the plain words of why it cannot be read.
function stored(): { policy: WitnessPolicy | null; damaged: string | null } {
  try {
    return { policy: loadWitnessPolicy(), damaged: null };
  } catch (e) {
    if (e instanceof CandorError) return { policy: null, damaged: e.message };
    throw e;
  }
}

export function witnessesSection(): HTMLElement {
  const current = h('div', { 'data-testid': 'witnesses-current' });
  const errors = errorRegion();
  errors.setAttribute('data-testid', 'witness-errors');
  const status = statusRegion();
  const keys = h('textarea', {
    rows: 4,
    name: 'witness-keys',
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    class: 'mono',
    'data-testid': 'witness-keys',
  });
  const threshold = h('input', { type: 'number', min: 1, step: 1, name: 'witness-threshold', 'data-testid': 'witness-threshold' });
  const remove = h('button', { type: 'button', class: 'secondary', 'data-testid': 'remove-witnesses' }, 'Remove the witnesses');

  // The threshold follows the number of keys (all of them) until the member changes it.
  let thresholdTouched = false;
  const keyLines = () => keys.value.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').length;
  keys.addEventListener('input', () => {
    const n = keyLines();
    threshold.max = String(Math.max(1, n));
    if (!thresholdTouched) threshold.value = n > 0 ? String(n) : '';
  });
  threshold.addEventListener('input', () => {
    thresholdTouched = true;
  });

  function draw(): void {
    const { policy, damaged } = stored();
    remove.disabled = policy === null && damaged === null;
    if (damaged !== null) {
      replace(current, notice('error', h('p', null, damaged)));
      return;
    }
    if (policy === null) {
      replace(
        current,
        h(
          'p',
          { 'data-testid': 'witnesses-none' },
          h('strong', null, 'Now: no witnesses. '),
          'This browser uses the newest state of the public log the server shows, checked only against what the server showed this browser before.',
        ),
      );
      return;
    }
    replace(
      current,
      h(
        'p',
        { 'data-testid': 'witnesses-set' },
        h('strong', null, 'Now: '),
        `this browser uses only a state of the public log confirmed by ${requirement(policy)}:`,
      ),
      h(
        'ul',
        { 'data-testid': 'witness-list' },
        policy.keys.map((k) => h('li', { class: 'mono break' }, keyText(k))),
      ),
    );
    keys.value = policy.keys.map(toHex).join('\n');
    threshold.max = String(policy.keys.length);
    threshold.value = String(policy.threshold);
    thresholdTouched = policy.threshold !== policy.keys.length;
  }

  remove.addEventListener('click', () => {
    errors.replaceChildren();
    saveWitnessPolicy(null);
    keys.value = '';
    threshold.value = '';
    thresholdTouched = false;
    draw();
    replace(status, notice('ok', h('p', null, 'Removed. This browser no longer asks witnesses before it trusts the public log.')));
  });

  const f = form(
    { 'aria-label': 'Witnesses' },
    () => {
      errors.replaceChildren();
      status.replaceChildren();
      const { keys: parsed, problems } = witnessKeysFromLines(keys.value);
      const n = parsed.length;
      const t = threshold.value.trim();
      if (problems.length === 0 && !(/^[0-9]+$/.test(t) && Number(t) >= 1 && Number(t) <= n)) {
        problems.push(
          n === 1
            ? 'With one witness key, the number of witnesses who must confirm is 1.'
            : `The number of witnesses who must confirm must be a whole number from 1 to ${n} (the number of keys above).`,
        );
      }
      if (problems.length > 0) {
        replace(
          errors,
          notice(
            'error',
            h('p', null, h('strong', null, 'The witnesses were not saved.')),
            h('ul', null, problems.map((p) => h('li', null, p))),
          ),
        );
        (problems[0]!.startsWith('The number') || problems[0]!.startsWith('With one') ? threshold : keys).focus();
        return;
      }
      const policy = { keys: parsed, threshold: Number(t) };
      try {
        saveWitnessPolicy(policy);
      } catch (e) {
        showError(errors, e, 'The witnesses were not saved.');
        return;
      }
      draw();
      replace(
        status,
        notice(
          'ok',
          h(
            'p',
            { 'data-testid': 'witnesses-saved' },
            `Saved. From now on this browser signs, sends and reads only against a state of the public log confirmed by ${requirement(policy)} (${plural(n, 'key')}).`,
          ),
        ),
      );
    },
    field({
      label: 'Witness public keys',
      input: keys,
      hint: 'One key per line, 64 characters (0–9 and a–f), exactly as each witness publishes it. Take the keys from the witnesses themselves or from your organization — not from this server.',
    }),
    field({
      label: 'How many of them must confirm',
      input: threshold,
      hint: 'From 1 to the number of keys. All of them is safest; fewer keeps Candor working while one witness is slow or offline.',
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'save-witnesses' }, 'Save the witnesses'), remove),
    status,
    errors,
  );

  draw();
  return h(
    'section',
    { 'aria-labelledby': 'witnesses-h', 'data-testid': 'witnesses' },
    h('h2', { id: 'witnesses-h' }, 'Witnesses'),
    h(
      'p',
      null,
      'A witness is an independent organization — a union, a newspaper — that follows this server’s public log and confirms that everyone is shown the same one. ',
      'With witnesses set here, this browser trusts only a state of the log that enough of them have confirmed, so the server cannot show you a version of its own.',
    ),
    current,
    f,
  );
}
