// The reviewer's pages: the organization's cable inbox (overdue first, deadlines and time
// left), and one cable: read it (decrypted here with the reviewer's key), acknowledge,
// discuss internally, extend with a reason, reply, close.
//
// A reviewer's key is a key file like a member's (`candor cable register-key` uses the same
// format); its X25519 half receives cables. It lives in this browser's key store, locked with
// the reviewer's passphrase; the server only ever learns its public half.
//
// What makes a cable a member's is checked here against the public log, not the server's word
// (trust.ts, org_state.ts; security review M3, H4): the rings of the cable's roster version are
// rebuilt from the logged roster, the cable's ring must be one of them and both its ring
// signatures must verify; a cable that fails is shown as forged. Replies and notes are sealed
// to the reviewers the log names.
import { api, ApiError, type OrgDetail, type SessionInfo } from '../api.js';
import {
  cableReadersNow,
  decodeCableHeader,
  reviewersToGrant,
  sealCableGrant,
  openCable,
  openMessages,
  reviewerKeyRegistration,
  sealMessage,
  verifyCableSignatures,
  type CableAction,
  type CableMessage,
  type CableView,
  type OpenedCable,
} from '../cable.js';
import { fromHex } from '../crypto/bytes.js';
import { CandorError, isCandorError } from '../crypto/errors.js';
import type { BoxKeyPair } from '../crypto/keys.js';
import { keyFingerprint, ringsAt, type LoggedReviewer } from '../crypto/org_state.js';
import { createKeyFile } from '../keyworker.js';
import {
  listReviewerKeys,
  onLockChange,
  putKey,
  recordFor,
  remember,
  unlockedKeys,
  type StoredKey,
} from '../keystore.js';
import { navigate, stillHere, titled } from '../router.js';
import { fetchOrgState, fetchTrustedHead } from '../trust.js';
import {
  choice,
  download,
  errorRegion,
  field,
  form,
  h, tableWrap,
  notice,
  plural,
  readFile,
  replace,
  statusRegion,
} from '../ui/dom.js';
import { showError } from '../ui/errors.js';
import { reviewerName } from '../ui/trust.js';
import { newPassphraseFields, unlockForm } from '../ui/keys.js';
import { dateText, deadlineText, deadlinesList, timeline } from './cables.js';
import { addStaffPage, addStaffSection, type StaffPage } from './staff.js';

interface ReviewerEntry {
  account_id: number;
  box_public: string;
}

async function reviewers(slug: string): Promise<ReviewerEntry[]> {
  return (await api<{ reviewers: ReviewerEntry[] }>(`/orgs/${slug}/reviewers`)).reviewers;
}

// The reviewer's key on this device that matches the key registered for this account, if
// any, and what to do otherwise. Calls `ready(key)` once one is unlocked.
async function reviewerKeyPanel(
  s: SessionInfo,
  panel: HTMLElement,
  ready: (key: StoredKey, box: BoxKeyPair) => void,
): Promise<void> {
  const slug = s.account.organization;
  const errors = errorRegion();
  const status = statusRegion();
  let local: StoredKey[];
  let registered: string | undefined;
  try {
    [local, registered] = await Promise.all([
      listReviewerKeys(slug),
      reviewers(slug).then((list) => list.find((r) => r.account_id === s.account.id)?.box_public),
    ]);
  } catch (e) {
    panel.replaceChildren(errors);
    showError(errors, e, 'Your reviewer key could not be checked.');
    return;
  }
  const redraw = () => void reviewerKeyPanel(s, panel, ready);
  // Registering proves that this browser holds the key's secret (security review M7): the
  // key must be unlocked here.
  const register = async (key: StoredKey) => {
    const keys = unlockedKeys(key.id);
    if (!keys) throw new CandorError('failed precondition', 'Unlock this key first: registering it proves that you hold it.');
    const challenge = await api<{ server_public: string; account_id: number }>(`/orgs/${slug}/reviewer-key/challenge`, { as: 'staff' });
    const body = reviewerKeyRegistration(slug, challenge, keys.box);
    await api(`/orgs/${slug}/reviewer-key`, { method: 'PUT', body, as: 'staff' });
  };
  const current = local.find((k) => k.replyPublic === registered);
  if (current) {
    const keys = unlockedKeys(current.id);
    if (keys) {
      replace(
        panel,
        h(
          'p',
          { class: 'hint', 'data-testid': 'reviewer-key-ready' },
          'Your reviewer key is unlocked on this device. It locks after 15 idle minutes. ',
          'Its fingerprint, which members see before they write to you: ',
          h('span', { class: 'mono', 'data-testid': 'reviewer-key-fingerprint' }, keyFingerprint(fromHex(current.replyPublic))),
          '.',
        ),
      );
      ready(current, keys.box);
      return;
    }
    replace(panel, h('h2', null, 'Unlock your reviewer key'), h('p', null, 'Cables are encrypted to it; it decrypts them here, in this browser.'), unlockForm(current, redraw));
    return;
  }

  // No usable key here: import the one registered, make a new one, or register one held here.
  const file = h('input', { type: 'file', accept: '.key,application/octet-stream', name: 'reviewer-key-file' });
  const importForm = form(
    { 'aria-label': 'Import your reviewer key file' },
    async () => {
      errors.replaceChildren();
      try {
        const chosen = file.files?.[0];
        if (!chosen) throw new Error('Choose your key file first.');
        const record = recordFor(await readFile(chosen), slug, 'Reviewer key', true, 'reviewer');
        await putKey(record);
        if (record.replyPublic !== registered) {
          replace(status, notice('info', h('p', null, 'Imported. This key is not the one registered for you yet: register it below so that new cables reach it.')));
        }
        redraw();
      } catch (e) {
        showError(errors, e, 'The key file could not be imported.');
      }
    },
    field({ label: 'Reviewer key file', input: file, hint: 'The .key file you registered with `candor cable register-key`, or saved from this page on another device.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Import the key file')),
  );
  const pass = newPassphraseFields();
  const createForm = form(
    { 'aria-label': 'Create a reviewer key' },
    async () => {
      errors.replaceChildren();
      try {
        const passphrase = pass.check();
        replace(status, h('p', null, 'Making your reviewer key… this takes a few seconds.'));
        const made = await createKeyFile(passphrase);
        pass.clear();
        const record = recordFor(made.file, slug, 'Reviewer key', true, 'reviewer');
        await putKey(record);
        remember(record.id, made.keys);
        await register(record);
        replace(
          status,
          notice(
            'ok',
            h('p', null, 'Your reviewer key is registered: new cables are encrypted to it. Save a copy, or you lose access to them when this browser’s data is erased.'),
            h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => download(record.file, 'candor-reviewer.key', 'application/octet-stream') }, 'Save the key file')),
          ),
        );
        redraw();
      } catch (e) {
        status.replaceChildren();
        showError(errors, e, 'No reviewer key was made.');
      }
    },
    pass.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create and register a reviewer key')),
  );
  const others = local.map((k) =>
    h(
      'li',
      { class: 'card' },
      h('p', null, 'A reviewer key on this device, not registered for you: ', h('code', null, `${k.replyPublic.slice(0, 16)}…`)),
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: (ev: Event) => {
          const use = () => void register(k).then(redraw, (e: unknown) => showError(errors, e, 'The key was not registered.'));
          if (unlockedKeys(k.id)) {
            use();
            return;
          }
          // Registering needs the secret: unlock first, then register.
          const card = (ev.currentTarget as HTMLElement).closest('li');
          card?.append(unlockForm(k, use));
        },
      }, 'Use this key for new cables'),
    ),
  );
  replace(
    panel,
    h('h2', null, 'Your reviewer key'),
    registered
      ? notice('warn', h('p', null, 'A reviewer key is registered for you, but it is not on this device. Import its key file to read cables sent to it.'))
      : notice('info', h('p', null, 'You have no reviewer key yet: cables cannot reach you. Create one here (or import one) to receive them.')),
    others.length > 0 ? h('ul', { class: 'cards' }, others) : null,
    importForm,
    h('details', null, h('summary', null, 'Create a new reviewer key instead'), h('p', null, 'Cables already sent to your old key stay readable only with that key.'), createForm),
    status,
    errors,
  );
}

// ---- #/staff/inbox ----

const inbox: StaffPage = async (main, s) => {
  const slug = s.account.organization;
  const errors = errorRegion();
  const keyPanel = h('section', { class: 'card', 'aria-live': 'polite' });
  const list = h('div', { 'aria-busy': 'true' });
  const onlyOverdue = h('input', { type: 'checkbox' });
  main.append(
    h('h1', null, 'Cable inbox'),
    h('p', null, 'Cables to your organization’s reviewers, overdue first, then by the next deadline. Contents are decrypted in this browser when you open one.'),
    errors,
    keyPanel,
    choice(onlyOverdue, 'Show only overdue cables'),
    list,
  );
  titled(main, 'Cable inbox');
  const here = stillHere();
  const draw = async () => {
    try {
      const [{ cables }, counts] = await Promise.all([
        api<{ cables: CableView[] }>(`/orgs/${slug}/cables${onlyOverdue.checked ? '?overdue=1' : ''}`, { as: 'staff' }),
        api<{ open: number; overdue: number; closed: number }>(`/orgs/${slug}/cable-counts`),
      ]);
      if (!here()) return;
      list.removeAttribute('aria-busy');
      replace(
        list,
        h('p', { 'data-testid': 'inbox-counts' }, `${plural(counts.open, 'open cable')}, ${counts.overdue} overdue, ${counts.closed} closed.`),
        cables.length === 0
          ? notice('info', h('p', null, onlyOverdue.checked ? 'No cable is overdue.' : 'No cables yet.'))
          : tableWrap(
            'Cables',
            h(
              'table',
                { 'data-testid': 'inbox' },
                h('caption', { class: 'visually-hidden' }, 'Cables, overdue first'),
                h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Cable'), h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col' }, 'Received'), h('th', { scope: 'col' }, 'Acknowledge by'), h('th', { scope: 'col' }, 'Answer by'))),
                h(
                  'tbody',
                  null,
                  cables.map((c) =>
                    h(
                      'tr',
                      { class: c.deadlines.overdue ? 'overdue' : null, 'data-cable': c.id },
                      h('td', null, h('a', { href: `#/staff/cables/${c.id}` }, `${c.id.slice(0, 10)}…`), ' ', c.state === 'closed' ? h('span', { class: 'badge' }, 'Closed') : null, c.deadlines.overdue ? h('span', { class: 'badge bad' }, 'Overdue') : null),
                      h('td', null, c.author === 'named' ? 'Named member' : 'Anonymous member'),
                      h('td', null, dateText(c.received_on)),
                      h('td', null, deadlineText(c.deadlines.acknowledge_by, c.deadlines.acknowledge_days_left, c.deadlines.acknowledge_unit, c.deadlines.acknowledged, c.deadlines.acknowledge_overdue)),
                      h('td', null, deadlineText(c.deadlines.answer_by, c.deadlines.answer_days_left, c.deadlines.answer_unit, c.deadlines.closed, c.deadlines.answer_overdue)),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (e) {
      if (here()) showError(errors, e, 'The inbox could not be loaded.');
    }
  };
  onlyOverdue.addEventListener('change', () => void draw());
  await Promise.all([draw(), reviewerKeyPanel(s, keyPanel, () => undefined)]);
  return onLockChange(() => void reviewerKeyPanel(s, keyPanel, () => undefined));
};

// ---- #/staff/cables/:id ----

const cablePage: StaffPage = async (main, s, params) => {
  const slug = s.account.organization;
  const id = (params['id'] ?? '').toLowerCase();
  const errors = errorRegion();
  const keyPanel = h('section', { 'aria-live': 'polite' });
  const body = h('div');
  main.append(h('h1', null, `Cable ${id.slice(0, 10)}…`), h('p', null, h('a', { href: '#/staff/inbox' }, 'Back to the inbox')), errors, keyPanel, body);
  titled(main, 'Cable');
  if (!/^[0-9a-f]{64}$/.test(id)) {
    showError(errors, new Error('This is not a cable address. Open a cable from the inbox.'));
    return;
  }
  const here = stillHere();
  let drawn = false;
  const show = async (box: BoxKeyPair) => {
    errors.replaceChildren();
    let view: CableView;
    let opened: OpenedCable;
    let reviewerKeys: Uint8Array[];
    let readers: LoggedReviewer[] = [];
    let channelName: string | null = null;
    let canGrantTo: LoggedReviewer[] = [];
    let canExtend = false;
    // Null when the log shows that a member of the roster signed the cable; else why not.
    let forged: string | null = null;
    let ring: readonly Uint8Array[] = [];
    try {
      // The cable id goes in the body, never in a URL (security review H2).
      view = await api<CableView>(`/orgs/${slug}/cables/view`, { method: 'POST', body: { id }, as: 'staff' });
      // The roster and the reviewers as the public log proves them, at a head this browser
      // checked (pinned key, no rollback, no fork).
      const head = await fetchTrustedHead();
      const [state, org] = await Promise.all([fetchOrgState(slug, head), api<OrgDetail>(`/orgs/${slug}`)]);
      canExtend = org.settings.policy.extended_answer !== null;
      const header = decodeCableHeader(fromHex(view.header_bytes));
      // Messages go to those who can read the cable now, as logged (issue 15): its recipients
      // that are still reviewers — not one the author excluded, nor one who joined later.
      readers = cableReadersNow(header, view.events, state.reviewers);
      reviewerKeys = readers.map((r) => r.boxPublic);
      if (header.channel !== undefined) {
        channelName = org.settings.channels?.find((c) => c.id === header.channel)?.name ?? header.channel;
      }
      // Reviewers who joined after it was written, whom a reader may give it to (issue 15).
      canGrantTo = reviewersToGrant(view, state, org.settings.channels ?? []);
      // The cable's roster version, whole (candor-lrs-v2) and as buckets (v1); none when the
      // log holds no such version.
      let rings: Uint8Array[][] = [];
      let whole: Uint8Array[] = [];
      try {
        whole = state.roster.members(header.rosterVersion);
        rings = ringsAt(state, header.rosterVersion);
      } catch (e) {
        if (!(isCandorError(e) && e.code === 'not found')) throw e;
      }
      if (header.organization !== slug) {
        forged = `the cable names the organization '${header.organization}', not '${slug}'`;
      } else if (!state.allEpochs.includes(header.rosterVersion)) {
        // Cables are written within a roster epoch (security review M2).
        forged = `the cable names roster version ${header.rosterVersion}, which is no roster epoch of the log`;
      } else {
        try {
          ring = verifyCableSignatures(view, rings, whole);
        } catch (e) {
          if (!(isCandorError(e) && e.code === 'verification failed')) throw e;
          forged = e.message;
        }
      }
      // A named author's key must be in the ring the cable was signed within; a forged cable
      // is opened only to be shown under its warning, its author unverified.
      opened = openCable(view, box, forged === null ? ring : null);
    } catch (e) {
      if (here()) showError(errors, e, 'This cable could not be opened.');
      return;
    }
    if (!here()) return;
    let messages: CableMessage[];
    try {
      messages = openMessages(view, box, true);
    } catch (e) {
      showError(errors, e);
      messages = [];
    }
    const c = opened.content;
    const actionsArea = h('div');
    replace(
      body,
      h('h2', { 'data-testid': 'cable-subject' }, c.subject),
      forged !== null
        ? notice(
            'error',
            h(
              'p',
              { 'data-testid': 'cable-author' },
              h('strong', null, 'Forged: not signed by a member of the roster. '),
              'This browser checked the cable’s signatures against the organization’s roster in the public log, and they do not match. ',
              'Nothing shows that a member wrote it: it may have been planted. Treat it with suspicion and tell the other reviewers.',
            ),
            h('p', { class: 'hint', 'data-testid': 'cable-forged-reason' }, `For an expert: ${forged.replace(/\.$/, '')}.`),
          )
        : opened.header.author === 'named' && c.author
          ? notice('ok', h('p', { 'data-testid': 'cable-author' }, 'From ', h('strong', null, c.author.name), opened.authorVerified ? ' — verified: signed by a member’s key on the roster, and by the same key as the cable.' : ''))
          : notice(
              'info',
              h(
                'p',
                { 'data-testid': 'cable-author' },
                'From an anonymous member: the signature proves only that one member of the roster wrote it. ',
                `Checked in this browser against the public log: one of ${plural(ring.length, 'member')} of roster version ${opened.header.rosterVersion}.`,
              ),
            ),
      h(
        'p',
        { class: 'hint', 'data-testid': 'cable-readers-now' },
        channelName !== null ? `Channel: ${channelName}. ` : '',
        `Who can read this cable now, as the public log shows: ${readers.map(reviewerName).join(', ')}. Replies and notes go to them only.`,
      ),
      h('div', { class: 'letter-text', 'data-testid': 'cable-body' }, c.body),
      c.attachments.length > 0
        ? h(
            'section',
            null,
            h('h3', null, 'Attachments'),
            h(
              'ul',
              null,
              c.attachments.map((a) =>
                h('li', null, h('button', { type: 'button', class: 'secondary', onclick: () => download(a.data, a.name, 'application/octet-stream') }, `Save ${a.name}`), ` ${a.data.length.toLocaleString()} bytes`),
              ),
            ),
          )
        : null,
      h('h3', null, 'Deadlines'),
      h('p', null, `Policy: ${view.policy}.`),
      deadlinesList(view.deadlines, view.received_on),
      h('h3', null, 'History'),
      timeline(view.events, messages, true),
      actionsArea,
    );
    reviewerActions(actionsArea, slug, view, opened, reviewerKeys, canExtend, () => void show(box));
    if (canGrantTo.length > 0 && view.state !== 'purged') actionsArea.append(grantForm(slug, view, box, canGrantTo, () => void show(box)));
  };
  await reviewerKeyPanel(s, keyPanel, (_key, box) => {
    if (!drawn) {
      drawn = true;
      void show(box);
    }
  });
  return onLockChange(() => {
    drawn = false;
    body.replaceChildren();
    void reviewerKeyPanel(s, keyPanel, (_key, box) => {
      if (!drawn) {
        drawn = true;
        void show(box);
      }
    });
  });
};

function reviewerActions(
  area: HTMLElement,
  slug: string,
  view: CableView,
  opened: OpenedCable,
  reviewerKeys: Uint8Array[],
  canExtend: boolean,
  refresh: () => void,
): void {
  const d = view.deadlines;
  const errors = errorRegion();
  const status = statusRegion();
  if (d.closed || view.state === 'purged') {
    replace(area, notice('info', h('p', null, 'This cable is closed: it takes no more actions.')));
    return;
  }
  const messageForm = (action: CableAction, label: string, button: string, hint: string) => {
    const text = h('textarea', { rows: 6, required: true, name: `text-${action}` });
    return form(
      { 'aria-label': label, 'data-testid': `form-${action}` },
      async () => {
        errors.replaceChildren();
        try {
          const msg = sealMessage(opened.header.id, action, text.value, opened.content.replyPublic, reviewerKeys);
          replace(status, h('p', null, 'Encrypting and sending…'));
          await api(`/orgs/${slug}/cables/messages`, { method: 'POST', body: { id: view.id, ...msg }, as: 'staff' });
          text.value = '';
          status.replaceChildren();
          refresh();
        } catch (e) {
          status.replaceChildren();
          if (e instanceof ApiError && e.status === 409) showError(errors, new Error(`${e.message}. Reload the cable and try again.`));
          else showError(errors, e, 'Nothing was sent.');
        }
      },
      field({ label, input: text, hint }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, button)),
    );
  };
  const parts: HTMLElement[] = [];
  if (!d.acknowledged) {
    const ack = h('button', { type: 'button', 'data-testid': 'acknowledge' }, 'Acknowledge receipt');
    ack.addEventListener('click', () => {
      ack.disabled = true;
      errors.replaceChildren();
      void api(`/orgs/${slug}/cables/acknowledge`, { method: 'POST', body: { id: view.id }, as: 'staff' }).then(refresh, (e: unknown) => {
        ack.disabled = false;
        showError(errors, e, 'The cable was not acknowledged.');
      });
    });
    parts.push(
      h('h3', null, 'Acknowledge'),
      h('p', null, `Tell the author the cable arrived (due ${dateText(d.acknowledge_by)}). Replying, extending and closing come after.`),
      h('div', { class: 'actions' }, ack),
    );
  } else {
    parts.push(
      h('h3', null, 'Reply to the author'),
      messageForm('replied', 'Your reply', 'Encrypt and send the reply', 'Encrypted to the author’s reply key and to the reviewers. The author reads it with their receipt.'),
    );
    if (!d.extended && canExtend) {
      parts.push(
        h('h3', null, 'Extend the answer deadline'),
        messageForm('extended', 'Reason for the extension', 'Extend once, with this reason', 'Allowed once, when the policy has an extension. The author sees the reason.'),
      );
    }
    parts.push(
      h('h3', null, 'Close with a final response'),
      messageForm('closed', 'Final response', 'Close the cable', 'The substantive answer: it meets the answer deadline and ends the cable.'),
    );
  }
  parts.push(
    h('h3', null, 'Internal note'),
    messageForm('noted', 'Note to the other reviewers', 'Add the note', 'Encrypted to the reviewers only; the author never sees it.'),
  );
  // Issue 15: a reviewer with a conflict of interest leaves the case; the log records it.
  const sure = h('input', { type: 'checkbox', name: 'recuse-sure' });
  parts.push(
    h('h3', null, 'Withdraw from this cable'),
    form(
      { 'aria-label': 'Withdraw from this cable', 'data-testid': 'form-recuse' },
      async () => {
        errors.replaceChildren();
        try {
          if (!sure.checked) throw new Error('Tick the box first: withdrawing cannot be undone.');
          await api(`/orgs/${slug}/cables/recuse`, { method: 'POST', body: { id: view.id }, as: 'staff' });
          navigate('/staff/inbox');
        } catch (e) {
          showError(errors, e, 'You did not withdraw.');
        }
      },
      h('p', null, 'If the cable concerns you, or you cannot judge it fairly, withdraw: it leaves your inbox, later messages are no longer encrypted to you, and the public log records that you withdrew. The last reviewer who can read a cable cannot withdraw.'),
      choice(sure, 'I withdraw from this cable, and understand it cannot be undone'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary', 'data-testid': 'recuse' }, 'Withdraw')),
    ),
  );
  replace(area, h('h2', null, 'Act on this cable'), ...parts, status, errors);
}

// Issue 15: a reader gives the cable to a reviewer who joined after it was written. The content
// key of the cable and of each message this key opens is wrapped for them here, in the browser;
// the server stores only the wraps, and the log records the grant.
function grantForm(slug: string, view: CableView, box: BoxKeyPair, eligible: readonly LoggedReviewer[], refresh: () => void): HTMLElement {
  const errors = errorRegion();
  const boxes = eligible.map((r) => ({ r, input: h('input', { type: 'radio', name: 'grant-to', value: String(r.accountId) }) }));
  return h(
    'section',
    { 'aria-labelledby': 'grant-h' },
    h('h3', { id: 'grant-h' }, 'Give this cable to a reviewer who joined later'),
    form(
      { 'aria-label': 'Give this cable to a reviewer who joined later', 'data-testid': 'form-grant' },
      async () => {
        errors.replaceChildren();
        try {
          const chosen = boxes.find((b) => b.input.checked);
          if (!chosen) throw new Error('Choose the reviewer to give it to.');
          const body = sealCableGrant(view, box, chosen.r.boxPublic);
          await api(`/orgs/${slug}/cables/grant`, { method: 'POST', body, as: 'staff' });
          refresh();
        } catch (e) {
          showError(errors, e, 'The cable was not given.');
        }
      },
      h('p', null, 'These reviewers joined after the cable was written, so its author could not choose them. Giving it lets them read the cable and its messages so far (the keys are wrapped for them in this browser), and later messages go to them too. The public log records it. Reviewers who were there when it was written cannot be given it: its author decided who reads it.'),
      h('fieldset', null, h('legend', null, 'Give it to'), boxes.map((b) => choice(b.input, `${reviewerName(b.r)} — key ${keyFingerprint(b.r.boxPublic)}`))),
      h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'grant' }, 'Give the cable')),
      errors,
    ),
  );
}

export function reviewerRoutes(): void {
  addStaffSection(
    { path: '/staff/inbox', title: 'Cable inbox', roles: ['reviewer'], description: 'Cables to the reviewers: deadlines, overdue first; read, acknowledge, reply.' },
    inbox,
  );
  addStaffPage('/staff/cables/:id', '/staff/inbox', cablePage);
}

