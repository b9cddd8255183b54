// Member pages: the keys on this device, joining an organization with an invitation, and
// signing (or withdrawing from) a letter.
//
// Signing happens exactly as `candor letter sign` does it: the browser first checks the log
// itself (trust.ts: the pinned key, no rollback, no fork), downloads the letter's logged
// entries at that tree head (bundle?signatures=0), checks the log's signature and every
// inclusion proof, rebuilds the organization's roster at the version the letter pinned, finds
// the ring that holds the member's key, tells the member its size, and only then signs with
// candor-lrs-v1. The request carries no cookie and nothing else about the member.
import { allLetters, api, apiBundle, ApiError, type LetterView, type OrgSummary, type SignatureReceipt, type SignatureState } from '../api.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import { coSignatureToJson, signLetter } from '../crypto/cosignature.js';
import { verificationFailed } from '../crypto/errors.js';
import { DEFAULT_MIN_RING_SIZE, type SignatureAction } from '../crypto/letter.js';
import type { MemberKeys } from '../crypto/keys.js';
import { lrsTagBase } from '../crypto/lrs.js';
import { LRS2_SCHEME } from '../crypto/lrs2.js';
import { secretScalarMult } from '../crypto/ristretto.js';
import { findSignerRing, letterRingsFromBundle, type LetterRings } from '../crypto/signer.js';
import { createKeyFile, signLetterV2InWorker } from '../keyworker.js';
import {
  listAllKeys,
  listKeys,
  onLockChange,
  putKey,
  readDeviceRecord,
  recordFor,
  recordLetter,
  remember,
  unlockedKeys,
  type StoredKey,
} from '../keystore.js';
import { stillHere, titled } from '../router.js';
import { fetchTrustedHead, sameTreeHead, type TrustedHead } from '../trust.js';
import { safetyReminder } from './safety.js';
import { add, choice, download, errorRegion, field, focusResult, form, h, notice, plural, readFile, replace, statusRegion } from '../ui/dom.js';
import { explain, showError } from '../ui/errors.js';
import { keyCard, newPassphraseFields, organizationsHolding, unlockForm } from '../ui/keys.js';
import { firstUseNote } from '../ui/trust.js';
import { logKeySection } from '../ui/log_key.js';
import { witnessesSection } from '../ui/witnesses.js';
import { countsTable, isLetterId, letterStatusBadges, letterText } from './letters.js';

// ---- #/member: keys on this device, letters to sign ----

export async function memberPage(main: HTMLElement): Promise<() => void> {
  const errors = errorRegion();
  const keysList = h('ul', { class: 'cards', 'aria-live': 'polite' });
  const lettersArea = h('div');
  main.append(
    h('h1', null, 'My letters and keys'),
    h(
      'p',
      null,
      'Your member key proves that you belong to your organization without saying who you are. ',
      'It is kept only in this browser, locked with your passphrase.',
    ),
    errors,
    h('section', { 'aria-labelledby': 'open-h' }, h('h2', { id: 'open-h' }, 'Letters you can sign'), lettersArea),
    h('section', { 'aria-labelledby': 'keys-h' }, h('h2', { id: 'keys-h' }, 'Keys on this device'), keysList),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button', href: '#/member/join' }, 'Join with an invitation'),
    ),
    importSection(() => void draw()),
    logKeySection(),
    witnessesSection(),
  );
  titled(main, 'My letters and keys');
  const here = stillHere();

  async function draw(): Promise<void> {
    let keys: StoredKey[];
    try {
      keys = await listKeys();
    } catch (e) {
      showError(errors, e);
      return;
    }
    if (!here()) return;
    if (keys.length === 0) {
      replace(
        keysList,
        h(
          'li',
          null,
          notice(
            'info',
            h('p', null, 'There is no key on this device yet.'),
            h('p', null, 'If your enrollment officer gave you an invitation code, choose “Join with an invitation”. If you already have a key file (from another device or the command line), import it below.'),
          ),
        ),
      );
    } else {
      replace(keysList, keys.map((k) => keyCard(k, () => void draw())));
    }
    await drawLetters(keys);
  }

  async function drawLetters(keys: StoredKey[]): Promise<void> {
    const orgs = new Set(keys.filter((k) => k.enrolled).map((k) => k.org));
    if (orgs.size === 0) {
      replace(lettersArea, h('p', { class: 'hint' }, 'Once you have joined an organization, its open letters appear here.'));
      return;
    }
    try {
      const letters = await allLetters();
      if (!here()) return;
      const mine = letters.filter((l) => l.status === 'open' && l.letter.organizations.some((o) => orgs.has(o))).reverse();
      if (mine.length === 0) {
        replace(lettersArea, h('p', null, 'No letter is open to your organization right now.'));
        return;
      }
      replace(
        lettersArea,
        h(
          'ul',
          { class: 'cards' },
          mine.map((l) => {
            const late = joinedAfter(l, keys);
            return h(
              'li',
              { class: 'card', 'data-testid': late ? 'letter-joined-after' : 'letter-open-to-you' },
              h('h3', null, h('a', { href: late ? `#/letters/${l.id}` : `#/member/letters/${l.id}` }, l.letter.title)),
              h('p', null, ...letterStatusBadges(l)),
              late ? h('p', null, joinedAfterText(late)) : null,
              h('p', null, l.total === null ? 'Counts hidden until the quorum is reached' : plural(l.total, 'signature'), ' so far'),
            );
          }),
        ),
      );
    } catch (e) {
      if (here()) showError(errors, e, 'The letters could not be loaded.');
    }
  }

  const stop = onLockChange(() => void draw());
  await draw();
  return stop;
}

function importSection(onImported: () => void): HTMLElement {
  const file = h('input', { type: 'file', accept: '.key,application/octet-stream', required: true, name: 'key-file' });
  const errors = errorRegion();
  const status = statusRegion();
  const f = form(
    { 'aria-label': 'Import a key file' },
    async () => {
      errors.replaceChildren();
      status.replaceChildren();
      const chosen = file.files?.[0];
      if (!chosen) {
        showError(errors, new Error('Choose your key file first (a .key file of 208 bytes).'));
        file.focus();
        return;
      }
      try {
        const bytes = await readFile(chosen);
        const draft = recordFor(bytes, '', '', false);
        const existing = await listAllKeys();
        if (existing.some((k) => k.ringPublic === draft.ringPublic)) {
          replace(status, notice('info', h('p', null, 'This key is already on this device.')));
          return;
        }
        replace(status, h('p', null, 'Looking for your key on the organizations’ public member lists…'));
        const orgs = await organizationsHolding(draft.ringPublic);
        const org = orgs[0];
        const record: StoredKey = org
          ? { ...draft, org: org.slug, orgName: org.name, enrolled: true }
          : draft;
        await putKey(record);
        file.value = '';
        replace(
          status,
          notice(
            'ok',
            h(
              'p',
              null,
              org
                ? `Imported. This key is a member of ${org.name}${orgs.length > 1 ? ` (and ${orgs.length - 1} more)` : ''}.`
                : 'Imported. This key is not on any member list yet: join with an invitation to use it.',
            ),
          ),
        );
        onImported();
      } catch (e) {
        status.replaceChildren();
        showError(errors, e, 'The key file could not be imported.');
      }
    },
    field({
      label: 'Key file',
      input: file,
      hint: 'A file made by `candor keygen`, or saved from Candor on another device. It stays encrypted with its passphrase.',
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Import the key file')),
    status,
    errors,
  );
  return h('section', { 'aria-labelledby': 'import-h' }, h('h2', { id: 'import-h' }, 'Import a key file'), f);
}

// ---- #/member/join: redeem an invitation ----

export async function joinPage(main: HTMLElement): Promise<void> {
  const errors = errorRegion();
  const status = statusRegion();
  const result = h('div');
  const orgSelect = h('select', { required: true, name: 'organization' });
  const code = h('input', {
    type: 'text',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    name: 'invitation',
    inputmode: 'text',
  });
  const pass = newPassphraseFields();
  const passArea = h('div', null, pass.element);
  const submit = h('button', { type: 'submit' }, 'Make my key and join');

  main.append(
    h('h1', null, 'Join your organization'),
    h(
      'p',
      null,
      'Your enrollment officer gave you a one-time invitation code. Here your browser makes your member key and sends the ',
      'organization only its public half and the code: no name, no email, nothing else.',
    ),
    errors,
  );
  titled(main, 'Join your organization');
  const here = stillHere();
  let organizations: OrgSummary[];
  let keys: StoredKey[];
  try {
    [{ organizations }, keys] = await Promise.all([api<{ organizations: OrgSummary[] }>('/orgs'), listKeys()]);
  } catch (e) {
    if (here()) showError(errors, e, 'This page could not be loaded.');
    return;
  }
  if (!here()) return;
  if (organizations.length === 0) {
    main.append(notice('info', h('p', null, 'This server has no organization yet. Ask your administrator.')));
    return;
  }
  for (const o of organizations) {
    orgSelect.append(h('option', { value: o.slug }, o.demo ? `${o.name}` : o.name));
  }
  // A key made earlier whose enrollment did not go through is used again: joining needs only
  // its public half, so no passphrase is asked.
  const pendingFor = (slug: string) => keys.find((k) => k.org === slug && !k.enrolled);
  const enrolledIn = (slug: string) => keys.find((k) => k.org === slug && k.enrolled);
  const refreshPass = () => {
    passArea.hidden = pendingFor(orgSelect.value) !== undefined;
  };
  orgSelect.addEventListener('change', refreshPass);
  refreshPass();

  const f = form(
    { 'aria-label': 'Join with an invitation' },
    async () => {
      errors.replaceChildren();
      result.replaceChildren();
      const slug = orgSelect.value;
      const org = organizations.find((o) => o.slug === slug)!;
      const invitation = code.value.trim();
      try {
        if (invitation.length === 0) {
          code.focus();
          throw new Error('Paste or type the invitation code you were given.');
        }
        if (enrolledIn(slug)) {
          throw new Error(`This device already holds your key for ${org.name}. Open “My letters and keys” to use it; one key per organization is enough.`);
        }
        let record = pendingFor(slug);
        if (!record) {
          const passphrase = pass.check();
          replace(status, h('p', null, 'Making your key… this takes a few seconds.'));
          const made = await createKeyFile(passphrase);
          pass.clear();
          record = recordFor(made.file, slug, org.name, false);
          await putKey(record);
          keys.push(record);
          remember(record.id, made.keys);
        }
        replace(status, h('p', null, `Joining ${org.name}…`));
        const joined = await api<{ roster_size: number; version: number }>(`/orgs/${encodeURIComponent(slug)}/enroll`, {
          method: 'POST',
          body: { invitation, ring_public: record.ringPublic, reply_public: record.replyPublic },
        });
        record.enrolled = true;
        if (Number.isSafeInteger(joined.version) && joined.version > 0) record.enrolledVersion = joined.version;
        await putKey(record);
        code.value = '';
        status.replaceChildren();
        f.hidden = true;
        const saved = record;
        replace(
          result,
          notice(
            'ok',
            h('p', { 'data-testid': 'joined' }, h('strong', null, `You are a member of ${org.name}.`), ` The member list now has ${plural(joined.roster_size, 'member')}; nobody can tell which one is you.`),
          ),
          notice(
            'warn',
            h('p', null, h('strong', null, 'Save a copy of your key file now. '), 'If this browser’s data is erased, the copy is the only way back in. It is encrypted with your passphrase.'),
            h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', onclick: () => download(saved.file, `candor-${saved.org}.key`, 'application/octet-stream') }, 'Save the key file'),
            ),
          ),
          h('p', { class: 'actions' }, h('a', { class: 'button secondary', href: '#/member' }, 'See the letters I can sign')),
        );
        focusResult(result.querySelector('[data-testid="joined"]'));
      } catch (e) {
        status.replaceChildren();
        if (e instanceof ApiError && e.status === 403) {
          showError(errors, new Error(`${e.message}. Ask your enrollment officer for a new invitation. Your key stays on this device and will be used with the new code.`));
        } else {
          showError(errors, e, 'You could not join yet.');
        }
        refreshPass();
      }
    },
    field({ label: 'Organization', input: orgSelect }),
    field({ label: 'Invitation code', input: code, hint: 'Paste it exactly as you received it. It works once.' }),
    passArea,
    h('div', { class: 'actions' }, submit),
    status,
  );
  main.append(f, result);
}

// ---- #/member/letters/:id: sign or withdraw ----

// The tag goes in the body, never in a URL, where proxies would log it next to the member's
// address (security review H2).
async function tagStates(letterId: string, tag: string): Promise<SignatureState[]> {
  try {
    const r = await api<{ signatures: SignatureState[] }>(`/letters/${letterId}/signature-status`, { method: 'POST', body: { tag } });
    return r.signatures;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return [];
    throw e;
  }
}

function stateText(s: SignatureState, view: LetterView): string {
  if (s.state === 'published') return `It is in the public count (published with group ${s.batch ?? '?'} of signatures).`;
  if (s.state === 'waiting-for-quorum') {
    return `It is accepted and kept until ${view.quorum ?? 'the quorum of'} members have signed; then all signatures are published together.`;
  }
  return 'It is accepted and will appear in the public count when the next group of signatures is published (groups go out at random moments, so the time says nothing about you).';
}

export async function memberLetterPage(main: HTMLElement, params: Record<string, string>): Promise<(() => void) | void> {
  const id = (params['id'] ?? '').toLowerCase();
  const errors = errorRegion();
  main.append(h('h1', null, 'Sign a letter'), errors);
  titled(main, 'Sign a letter');
  if (!isLetterId(id)) {
    replace(errors, notice('error', h('p', null, 'This is not a letter address. Go to “My letters and keys” and choose a letter from the list.')));
    return;
  }
  const here = stillHere();
  let view: LetterView;
  let keys: StoredKey[];
  try {
    [view, keys] = await Promise.all([api<LetterView>(`/letters/${id}`), listKeys()]);
  } catch (e) {
    if (here()) showError(errors, e, 'This letter could not be loaded.');
    return;
  }
  if (!here()) return;
  const mineArea = h('section', { 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, 'Your signature'));
  const countsArea = h('div', null, countsTable(view));
  main.replaceChildren(
    h('h1', null, view.letter.title),
    h('p', null, ...letterStatusBadges(view)),
    errors,
    mineArea,
    letterText(view),
    h('section', { 'aria-labelledby': 'counts-h' }, h('h2', { id: 'counts-h' }, 'Signatures so far'), countsArea, h('p', null, h('a', { href: `#/letters/${id}` }, 'Public page of this letter, with the chart and “verify it yourself”'))),
  );
  titled(main, view.letter.title);

  const candidates = keys.filter((k) => k.enrolled);
  if (candidates.length === 0) {
    mineArea.append(
      notice(
        'info',
        h('p', null, 'To sign, you need your member key on this device.'),
        h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/member/join' }, 'Join with an invitation'), h('a', { class: 'button secondary', href: '#/member' }, 'Import a key file')),
      ),
    );
    return;
  }
  const late = joinedAfter(view, candidates);
  if (late) {
    mineArea.append(h('div', { 'data-testid': 'letter-joined-after' }, notice('info', h('p', null, joinedAfterText(late)))));
    return;
  }

  // The rings, rebuilt from the log (not from what the server says).
  const status = statusRegion();
  mineArea.append(status);
  replace(status, h('p', null, 'Checking the letter and its member list against the public log…'));
  let rings: LetterRings;
  let head: TrustedHead;
  try {
    // The log first (pinned key, no rollback, no fork: security review H4), then the letter's
    // entries proven against that very head.
    head = await fetchTrustedHead();
    const bundle = await apiBundle(id, false, head.sth.head.size);
    rings = letterRingsFromBundle(bundle, { letterId: fromHex(id), expectedLogKey: head.logKey });
    if (!sameTreeHead(rings.treeHead, head.sth)) {
      throw verificationFailed('the server sent the letter against another state of its public log than the one this browser checked');
    }
  } catch (e) {
    status.replaceChildren();
    if (here()) {
      showError(
        errors,
        e,
        'This browser could not confirm the letter against the public log, so it will not sign.',
      );
    }
    return;
  }
  status.replaceChildren();
  if (!here()) return;

  const panels = h('div');
  add(mineArea, panels, firstUseNote(head));
  const drawPanels = () => {
    panels.replaceChildren();
    let any = false;
    for (const key of candidates) {
      const panel = signPanel(view, rings, key, () => {
        drawPanels();
        void api<LetterView>(`/letters/${id}`).then((v) => {
          view = v;
          replace(countsArea, countsTable(v));
        }, () => undefined);
      });
      if (panel) {
        panels.append(panel);
        any = true;
      }
    }
    if (!any) {
      panels.append(
        notice(
          'info',
          h(
            'p',
            null,
            'None of your keys can sign this letter: it is open only to the ',
            view.organizations.map((o) => `${plural(o.roster_size, 'member')} of ${o.name}`).join(', '),
            ' who belonged when it was published. If you joined since, you can still read it and follow its count.',
          ),
        ),
      );
    }
  };
  drawPanels();
  return onLockChange(drawPanels);
}

// A letter is open to the members its organizations had when it was published (its pinned
// roster versions). When every key of this device that could sign it joined later, nothing can
// be signed: the organization this device joined, and how many could sign, for saying so before
// the member tries. Undefined when some key may sign, or when a key's joining version is unknown
// (the letter's page then checks the key against the pinned roster itself).
function joinedAfter(letter: LetterView, keys: StoredKey[]): { org: string; members: number } | undefined {
  const relevant = keys.filter((k) => k.enrolled && k.purpose === 'member' && letter.letter.organizations.includes(k.org));
  if (relevant.length === 0) return undefined;
  let late: { org: string; members: number } | undefined;
  for (const k of relevant) {
    const pinned = letter.organizations.find((o) => o.slug === k.org);
    if (!pinned || k.enrolledVersion === undefined || k.enrolledVersion <= pinned.roster_version) return undefined;
    late = { org: pinned.name, members: pinned.roster_size };
  }
  return late;
}

function joinedAfterText(late: { org: string; members: number }): string {
  return `You joined ${late.org} after this letter was published, so you cannot sign it: it is open to the ${plural(late.members, 'member')} who belonged then. You can still read it and follow its count.`;
}

// Set by signing, withdrawing or unlocking on a letter's page: the next drawing of the signature
// state takes the focus (focusResult), as nothing else would hold it.
let focusStateOnDraw = false;

function focusStateIfAsked(area: HTMLElement): void {
  if (!focusStateOnDraw || !area.isConnected) return;
  focusStateOnDraw = false;
  focusResult(area.querySelector('[data-testid="sign-state"]'));
}

// "key id/letter id" of the letters each key signed or withdrew on, as this page learnt it: the
// same facts as the device record (keystore.ts), for when IndexedDB would not store them.
const signedHere = new Set<string>();

// Notes that this key's tag for this letter is known to the server (it signed, withdrew, or the
// member asked), so that the page may check its state from now on.
async function noteSigned(key: StoredKey, keys: MemberKeys, letterId: string): Promise<void> {
  signedHere.add(`${key.id}/${letterId}`);
  await recordLetter(key.id, keys, letterId).catch(() => undefined);
}

async function knownSigned(key: StoredKey, letterId: string): Promise<boolean> {
  if (signedHere.has(`${key.id}/${letterId}`)) return true;
  const keys = unlockedKeys(key.id);
  if (!keys) return false;
  try {
    return (await readDeviceRecord(key.id, keys)).letters.includes(letterId);
  } catch {
    return false;
  }
}

// The panel for one key: its anonymity set, then unlock, sign, or withdraw. Null when the
// key is not eligible for this letter.
//
// The key's linking tag for the letter is sent (in a POST body: signature-status) only when
// this device knows that the key signed or withdrew on the letter — the tag is then in the
// signature already — or when the member asks. Asking on every view would hand the server the
// tag of every member who merely reads the letter, before the signature it later finds in the
// log (security review H2).
function signPanel(view: LetterView, rings: LetterRings, key: StoredKey, refresh: () => void): HTMLElement | null {
  let mine;
  try {
    mine = findSignerRing(rings, fromHex(key.ringPublic), { minRing: Math.max(DEFAULT_MIN_RING_SIZE, view.min_ring_size) });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'not found') return null;
    return h('div', { class: 'card' }, notice('error', h('p', null, explain(e))));
  }
  const orgName = view.organizations.find((o) => o.slug === mine.org)?.name ?? mine.org;
  const panel = h('div', { class: 'card', 'data-testid': `sign-panel-${mine.org}` });
  const errors = errorRegion();
  const status = statusRegion();
  panel.append(
    h(
      'p',
      { 'data-testid': 'anonymity-set' },
      h('strong', null, `You sign as one of ${mine.ring.size.toLocaleString()} members of ${orgName}.`),
      ' Anyone can check that a real member signed, once; nobody — not the server, not your employer — can tell which one.',
    ),
  );
  const keys = unlockedKeys(key.id);
  if (!keys) {
    panel.append(
      h('p', null, 'Unlock your key to sign or to see whether you already signed.'),
      // The unlock itself redraws the panels (onLockChange below); their state takes the focus.
      unlockForm(key, () => {
        focusStateOnDraw = true;
      }),
      errors,
    );
    return panel;
  }
  const tag = toHex(secretScalarMult(keys.ring.secret, lrsTagBase(fromHex(view.id))));
  const body = h('div', { 'aria-busy': 'true' }, h('p', null, 'Looking up what this key did on this device…'));
  panel.append(body, status, errors);

  const send = async (action: SignatureAction) => {
    errors.replaceChildren();
    // About half a millisecond per member in this browser's signer (10^4 members: ≈ 5 s).
    const seconds = Math.ceil(mine.ring.size / 2000);
    const wait = seconds > 2 ? ` This takes about ${seconds.toLocaleString()} seconds: your browser proves you are one of ${mine.ring.size.toLocaleString()} members without saying which.` : '';
    replace(status, h('p', null, (action === 'sign' ? 'Signing in this browser…' : 'Withdrawing…') + wait));
    try {
      const current = unlockedKeys(key.id);
      if (!current) throw new Error('Your key was locked meanwhile. Unlock it and try again.');
      // candor-lrs-v2 (the whole roster) is signed in a worker: seconds at 10^4 members.
      const sig =
        mine.scheme === LRS2_SCHEME
          ? await signLetterV2InWorker(fromHex(view.id), action, mine.ring.members, mine.index, current.ring.secret)
          : signLetter(fromHex(view.id), action, mine.ring, mine.index, current.ring.secret);
      // Remembered before it is sent: once the tag has left in the signature, checking its
      // state later tells the server nothing new (H2).
      await noteSigned(key, current, view.id);
      await api<{ receipt: SignatureReceipt; status: string }>(`/letters/${view.id}/signatures`, {
        method: 'POST',
        body: { organization: mine.org, signature: coSignatureToJson(sig) },
      });
      status.replaceChildren();
      focusStateOnDraw = true;
      refresh();
    } catch (e) {
      status.replaceChildren();
      if (e instanceof ApiError && e.status === 409 && e.message === 'already signed') {
        showError(errors, new Error('This key has already signed this letter (perhaps from another device or the command line). A member counts once, so there is nothing more to do.'));
        void drawState();
      } else if (e instanceof ApiError && e.status === 409 && e.message === 'already withdrawn') {
        showError(errors, new Error('This signature was already withdrawn (perhaps from another device).'));
        void drawState();
      } else {
        showError(errors, e, action === 'sign' ? 'Your signature was not accepted.' : 'Your withdrawal was not accepted.');
      }
    }
  };

  // `ask`: the member asked to check with the server, knowing that it hears the tag.
  async function drawState(ask = false): Promise<void> {
    const known = await knownSigned(key, view.id);
    if (!known && !ask) {
      body.removeAttribute('aria-busy');
      drawUnsigned(false);
      return;
    }
    let states: SignatureState[];
    try {
      states = await tagStates(view.id, tag);
    } catch (e) {
      body.replaceChildren();
      showError(errors, e, 'Whether you signed could not be checked.');
      return;
    }
    body.removeAttribute('aria-busy');
    if (!known && states.length > 0) {
      const current = unlockedKeys(key.id);
      if (current) await noteSigned(key, current, view.id);
    }
    const signed = states.find((s) => s.action === 'sign');
    const withdrawn = states.find((s) => s.action === 'withdraw');
    if (withdrawn) {
      replace(
        body,
        notice('info', h('p', { 'data-testid': 'sign-state' }, h('strong', null, 'You withdrew your signature. '), stateText(withdrawn, view).replace('It is', 'The withdrawal is'))),
        h('p', { class: 'hint' }, 'A withdrawn signature cannot be given again with this key.'),
      );
      focusStateIfAsked(body);
      return;
    }
    if (signed) {
      const confirmArea = h('div');
      const ask = h('button', { type: 'button', class: 'secondary', 'data-testid': 'withdraw' }, 'Withdraw my signature…');
      ask.addEventListener('click', () => {
        replace(
          confirmArea,
          notice(
            'warn',
            h('p', null, h('strong', null, 'Withdraw your signature? '), 'It will no longer count. You cannot sign this letter again with this key afterwards.'),
            h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-withdraw', onclick: () => void send('withdraw') }, 'Yes, withdraw'),
              h('button', { type: 'button', class: 'secondary', onclick: () => { confirmArea.replaceChildren(); ask.focus(); } }, 'Keep my signature'),
            ),
          ),
        );
        confirmArea.querySelector<HTMLButtonElement>('button.danger')?.focus();
      });
      replace(
        body,
        notice('ok', h('p', { 'data-testid': 'sign-state' }, h('strong', null, 'You signed this letter. '), stateText(signed, view))),
        view.status === 'open' ? h('div', { class: 'actions' }, ask) : null,
        confirmArea,
      );
      focusStateIfAsked(body);
      return;
    }
    drawUnsigned(true);
  }

  // No signature known: `checked` when the server was asked and knows none.
  function drawUnsigned(checked: boolean): void {
    const check = checked
      ? null
      : h(
          'details',
          null,
          h('summary', null, 'Did you sign from another device or the command line?'),
          h(
            'p',
            { class: 'hint' },
            'This browser has no record of a signature by this key, and it does not ask the server unless you do: asking shows the server ',
            'your key’s mark for this letter, and if you sign later, the server could connect this visit with your signature.',
          ),
          h('button', {
            type: 'button',
            class: 'secondary',
            'data-testid': 'check-signed',
            onclick: () => {
              errors.replaceChildren();
              body.setAttribute('aria-busy', 'true');
              void drawState(true);
            },
          }, 'Ask the server whether this key signed'),
        );
    if (view.status !== 'open') {
      replace(body, notice('info', h('p', { 'data-testid': 'sign-state' }, 'This letter is closed: it no longer takes signatures.')), check);
      focusStateIfAsked(body);
      return;
    }
    const confirm = h('input', { type: 'checkbox', 'data-testid': 'agree' });
    const signButton = h('button', { type: 'button', 'data-testid': 'sign' }, 'Sign this letter');
    signButton.addEventListener('click', () => {
      if (!confirm.checked) {
        showError(errors, new Error('Tick the box to confirm that you read the letter and want to sign it.'));
        confirm.focus();
        return;
      }
      signButton.disabled = true;
      void send('sign').finally(() => {
        signButton.disabled = false;
      });
    });
    replace(
      body,
      h('p', { 'data-testid': 'sign-state' }, checked ? 'You have not signed this letter.' : 'You have not signed this letter from this browser.'),
      choice(confirm, 'I have read the letter below and I want to sign it.'),
      safetyReminder('sign'),
      h('div', { class: 'actions' }, signButton),
      check,
    );
    focusStateIfAsked(body);
  }
  void drawState();
  return panel;
}
