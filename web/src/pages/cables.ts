// Member pages for dissent cables: write one (named or anonymous) to the organization's
// reviewers, keep the receipt, and come back with it to read the replies.
//
// The cable is encrypted and signed in this browser (cable.ts); the server receives ciphertext,
// two ring signatures and no cookie. The ring and the reviewers come from the public log with
// proofs (trust.ts, org_state.ts), never from the server's word, and the author sees who will
// be able to read the cable before it is sealed (security review H4). The receipt is shown
// once and never stored: on a seized device, a stored receipt would tie its owner to the cable.
import { safetyReminder } from './safety.js';
import { api, ApiError, type OrgDetail } from '../api.js';
import {
  cableReadersNow,
  channelReviewers,
  checkCableEventsInLog,
  chooseCableReaders,
  decodeCableHeader,
  openMessages,
  parseReceipt,
  deriveReceiptKeys,
  sealFollowUp,
  type CableAttachment,
  type CableEventView,
  type CableMessage,
  type CableView,
  type Deadlines,
  type LogReader,
  type ReceiptKeys,
} from '../cable.js';
import { fixedFromHex, fromHex, toHex } from '../crypto/bytes.js';
import { isCandorError, verificationFailed } from '../crypto/errors.js';
import { DEFAULT_MIN_RING_SIZE } from '../crypto/letter.js';
import { cableRingFor, type LoggedReviewer, type OrgState } from '../crypto/org_state.js';
import { wipe } from '../crypto/sodium.js';
import { sealCableInWorker } from '../keyworker.js';
import { heldKeys, listKeys, onBeforeLock, onLockChange, readDraft, recordSlot, saveDraft, spentSlots, unlockedKeys, type CableDraftRecord, type StoredKey } from '../keystore.js';
import type { MemberKeys } from '../crypto/keys.js';
import { fetchOrgState, fetchTrustedHead, LogKeyChangedError, LogKeyMismatchError, type TrustedHead } from '../trust.js';
import { guardLeaving, stillHere, titled } from '../router.js';
import {
  add,
  choice,
  copyText,
  download,
  errorRegion,
  field,
  focusResult,
  form,
  h,
  notice,
  plural,
  readFile,
  replace,
  statusRegion,
  type Child,
} from '../ui/dom.js';
import { showError } from '../ui/errors.js';
import { unlockForm } from '../ui/keys.js';
import { firstUseNote, keyChangedHelp, keyMismatchHelp, reviewerList, reviewerName } from '../ui/trust.js';

// ---- Shared with the reviewer's pages ----

export function unitText(n: number, unit: string): string {
  const word = unit === 'working-days' ? 'working day' : 'day';
  return plural(Math.abs(n), word);
}

export function dateText(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
}

// "by 25 Nov 2026 — 2 working days left" / "done" / "3 working days overdue".
export function deadlineText(by: string, left: number, unit: string, done: boolean, overdue: boolean): Child {
  if (done) return h('span', null, h('span', { class: 'badge ok' }, 'Done'), ` (due ${dateText(by)})`);
  if (overdue) return h('span', null, h('span', { class: 'badge bad' }, 'Overdue'), ` ${dateText(by)}, ${unitText(left, unit)} ago`);
  return h('span', null, `${dateText(by)} — ${left === 0 ? 'due today' : `${unitText(left, unit)} left`}`);
}

export function deadlinesList(d: Deadlines, received: string): HTMLElement {
  return h(
    'dl',
    { class: 'facts', 'data-testid': 'deadlines' },
    h('dt', null, 'Received'),
    h('dd', null, dateText(received)),
    h('dt', null, 'Acknowledge by'),
    h('dd', { 'data-testid': 'ack-deadline' }, deadlineText(d.acknowledge_by, d.acknowledge_days_left, d.acknowledge_unit, d.acknowledged, d.acknowledge_overdue)),
    h('dt', null, d.extended ? 'Answer by (extended)' : 'Answer by'),
    h('dd', { 'data-testid': 'answer-deadline' }, deadlineText(d.answer_by, d.answer_days_left, d.answer_unit, d.closed, d.answer_overdue)),
    h('dt', null, 'Days counted in'),
    h('dd', { 'data-testid': 'time-zone' }, `the ${d.time_zone ?? 'UTC'} time zone (the organization’s)`),
  );
}

export const ACTION_TEXT: Record<string, string> = {
  submitted: 'Received',
  'followed-up': 'Added by the author',
  recused: 'A reviewer withdrew (a conflict of interest)',
  granted: 'Given to a reviewer who joined later',
  acknowledged: 'Acknowledged by the reviewers',
  extended: 'Answer deadline extended',
  replied: 'Reply from the reviewers',
  noted: 'Internal note (reviewers only)',
  closed: 'Closed with a final response',
  purged: 'Contents deleted under the retention policy',
};

export function stateText(v: CableView): string {
  switch (v.state) {
    case 'waiting-for-batch':
      return 'Received and stored. It reaches the reviewers when the next group of messages and signatures is published (groups go out at random moments, so the time says nothing about you).';
    case 'submitted':
      return 'Delivered to the reviewers; waiting for them to acknowledge it.';
    case 'acknowledged':
      return 'The reviewers acknowledged it and are working on an answer.';
    case 'closed':
      return 'Closed: the reviewers gave their final response.';
    case 'purged':
      return 'Closed, and its contents were deleted under the retention policy.';
  }
}

// The events of a cable, with the messages this reader could open.
export function timeline(events: CableEventView[], messages: CableMessage[], showReviewer: boolean): HTMLElement {
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  return h(
    'ol',
    { class: 'cards', 'data-testid': 'timeline' },
    events.map((e) => {
      const m = bySeq.get(e.seq);
      return h(
        'li',
        { class: 'card', 'data-action': e.action },
        h(
          'p',
          null,
          h('strong', null, ACTION_TEXT[e.action] ?? e.action),
          ` · ${dateText(e.date)}`,
          showReviewer && e.reviewer ? ` · ${e.reviewer}` : '',
        ),
        m ? h('div', { class: 'letter-text', 'data-testid': `message-${e.action}` }, m.text) : null,
        m && m.attachments.length > 0
          ? h(
              'ul',
              { class: 'attachments', 'data-testid': `attachments-${e.seq}` },
              m.attachments.map((a) =>
                h('li', null, h('button', { type: 'button', class: 'secondary', onclick: () => download(a.data, a.name, 'application/octet-stream') }, `Save ${a.name}`), ` ${a.data.length.toLocaleString()} bytes`),
              ),
            )
          : null,
        e.log_index !== null && e.log_index !== undefined
          ? h('p', { class: 'hint' }, `In the public record as entry ${e.log_index.toLocaleString()}.`)
          : h('p', { class: 'hint' }, 'Goes into the public record with the next group.'),
      );
    }),
  );
}

// ---- #/member/cables: what cables are, and the two doors ----

export async function cablesPage(main: HTMLElement): Promise<void> {
  const counts = h('div');
  main.append(
    h('h1', null, 'Write to the reviewers'),
    h(
      'p',
      null,
      'Your message (diplomats call it a dissent cable) goes to your organization’s appointed reviewers only, locked in this browser so that only they can read it. ',
      'You choose whether they see your name. Either way the server keeps only text it cannot read, and the reviewers must ',
      'acknowledge and answer within the organization’s deadlines.',
    ),
    h(
      'ul',
      { class: 'choices' },
      h('li', null, h('a', { href: '#/member/cables/new' }, h('strong', null, 'Write a message'), h('span', null, 'Needs your member key on this device.'))),
      h('li', null, h('a', { href: '#/member/cables/read' }, h('strong', null, 'Read replies'), h('span', null, 'Needs the 12 words (your receipt) you kept when you sent it.'))),
    ),
    counts,
  );
  titled(main, 'Write to the reviewers');
  const here = stillHere();
  try {
    const keys = await listKeys();
    const orgs = [...new Map(keys.filter((k) => k.enrolled).map((k) => [k.org, k.orgName])).entries()];
    for (const [slug, name] of orgs) {
      const c = await api<{ open: number; overdue: number; closed: number }>(`/orgs/${encodeURIComponent(slug)}/cable-counts`);
      if (!here()) return;
      add(
        counts,
        h('h2', null, `Messages to the reviewers of ${name}`),
        h('p', { 'data-testid': `cable-counts-${slug}` }, `${plural(c.open, 'open message')}, ${c.overdue} overdue, ${c.closed} closed (from all members).`),
        c.overdue > 0 ? notice('warn', h('p', null, `${plural(c.overdue, 'message is', 'messages are')} past a deadline: the reviewers are late.`)) : null,
      );
    }
  } catch {
    // The counts are a courtesy; the doors above work without them.
  }
}

// ---- #/member/cables/new ----

export async function writeCablePage(main: HTMLElement): Promise<(() => void) | void> {
  const errors = errorRegion();
  main.append(
    h('h1', null, 'Write a message to the reviewers'),
    h('p', null, 'Your words are encrypted in this browser to the reviewers’ keys. Nobody else — not the server, not its operators — can read them.'),
    errors,
  );
  titled(main, 'Write a message to the reviewers');
  const here = stillHere();
  let keys: StoredKey[];
  try {
    keys = (await listKeys()).filter((k) => k.enrolled);
  } catch (e) {
    showError(errors, e);
    return;
  }
  if (!here()) return;
  if (keys.length === 0) {
    main.append(
      notice(
        'info',
        h('p', null, 'To write to the reviewers you need your member key on this device: it proves you are a member without saying who you are.'),
        h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/member/join' }, 'Join with an invitation'), h('a', { class: 'button secondary', href: '#/member' }, 'Import a key file')),
      ),
    );
    return;
  }
  const area = h('div');
  main.append(area);
  let chosen = keys[0]!;
  // draw() can run again (an unlock, a lock change) before an earlier composeForm has loaded
  // what it needs; only the latest one may fill the area.
  let generation = 0;
  const draw = () => {
    const mine = ++generation;
    area.replaceChildren();
    if (keys.length > 1) {
      const select = h('select', null, keys.map((k) => h('option', { value: k.id, selected: k.id === chosen.id }, k.orgName)));
      select.addEventListener('change', () => {
        chosen = keys.find((k) => k.id === select.value) ?? chosen;
        draw();
      });
      area.append(field({ label: 'Organization', input: select }));
    }
    if (!unlockedKeys(chosen.id)) {
      area.append(
        h(
          'p',
          null,
          'Unlock your key first. It proves to the reviewers that a member of your organization wrote this, without saying which member (unless you choose to give your name). Unlocking happens in this browser and is not recorded anywhere.',
        ),
        unlockForm(chosen, () => {
          focusFormOnDraw = true;
          draw();
        }),
      );
      return;
    }
    void composeForm(area, chosen, () => mine === generation && here());
  };
  draw();
  return onLockChange(() => {
    if (!area.querySelector('[data-testid="receipt"]')) draw();
  });
}

// Set by unlocking on the cable page: the form drawn next takes the focus.
let focusFormOnDraw = false;

// The before-lock hook of the cable form drawn last (one form at a time).
let stopDraftHook: (() => void) | null = null;

interface OrgContext {
  org: OrgDetail;
  head: TrustedHead;
  state: OrgState; // as the log proves it at `head`
  version: bigint; // the roster version of the organization's latest roster epoch
  ring: Uint8Array[]; // this member's ring in it: the anonymity set
  quota: { window: number; slots: number; used: { slot: number; tag: string }[]; window_ends_ms: number };
}

async function composeForm(area: HTMLElement, key: StoredKey, current: () => boolean): Promise<void> {
  const errors = errorRegion();
  const status = statusRegion();
  const slug = encodeURIComponent(key.org);
  let org: OrgDetail;
  let head: TrustedHead;
  let state: OrgState;
  let quota: OrgContext['quota'];
  try {
    // The log first (pin, no rollback, no fork), then the organization as it proves it.
    head = await fetchTrustedHead();
    [org, state, quota] = await Promise.all([
      api<OrgDetail>(`/orgs/${slug}`),
      fetchOrgState(key.org, head),
      api<OrgContext['quota']>(`/orgs/${slug}/cable-quota`),
    ]);
  } catch (e) {
    if (!current()) return;
    area.append(errors);
    showError(errors, e, 'What the message needs could not be loaded.');
    return;
  }
  if (!current()) return;
  if (state.reviewers.length === 0) {
    area.append(notice('warn', h('p', null, `${org.name} has no reviewer who can receive messages yet, so nothing can be sent. Ask your administrator to appoint reviewers.`)));
    return;
  }
  // Cables are signed within the roster of the latest roster epoch (security review M2).
  const version = state.epochVersions[0];
  const notYet = (why: string) =>
    notice(
      'info',
      h('p', { 'data-testid': 'no-roster-epoch' }, why),
      h('p', null, 'The member list that messages are sent from is fixed every 10 minutes or so. Nothing was sent: come back and write your message then.'),
    );
  if (version === undefined) {
    area.append(notYet(`The member list of ${org.name} is not yet fixed for messages.`));
    return;
  }
  let ring: Uint8Array[];
  const myKey = fromHex(key.ringPublic);
  try {
    ring = cableRingFor(state, version, myKey);
  } catch (e) {
    if (isCandorError(e) && e.code === 'not found') {
      area.append(
        state.roster.contains(myKey)
          ? notYet(`You joined ${org.name} after its member list for messages was last fixed.`)
          : notice('warn', h('p', { 'data-testid': 'not-on-roster' }, `Your key is not on the member list of ${org.name} in the public record, so it cannot write to its reviewers. Nothing was sent. Ask your enrollment officer whether your membership was removed.`)),
      );
      return;
    }
    area.append(errors);
    showError(errors, e, 'What the message needs could not be loaded.');
    return;
  }
  const ctx: OrgContext = { org, head, state, version, ring, quota };
  const subject = h('input', { type: 'text', required: true, maxlength: 200, name: 'subject', autocomplete: 'off' });
  const body = h('textarea', { required: true, rows: 12, name: 'body', spellcheck: 'true' });
  const files = h('input', { type: 'file', multiple: true, name: 'attachments' });
  const anonymous = h('input', { type: 'radio', name: 'author', value: 'anonymous', checked: true });
  const named = h('input', { type: 'radio', name: 'author', value: 'named' });
  const name = h('input', { type: 'text', name: 'author-name', autocomplete: 'name', maxlength: 200 });
  const nameField = field({ label: 'Your name, as the reviewers should see it', input: name });
  nameField.hidden = true;
  const syncName = () => {
    nameField.hidden = !named.checked;
  };
  anonymous.addEventListener('change', syncName);
  named.addEventListener('change', syncName);
  // The unsent text survives the idle lock (issue 17): kept on this device, sealed under the
  // key, as the member types and just before a lock; put back after unlocking.
  const draftNow = (): CableDraftRecord | null =>
    subject.value.trim() || body.value.trim() || name.value.trim()
      ? { org: key.org, subject: subject.value, body: body.value, named: named.checked, name: name.value }
      : null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let hadDraft = false;
  const keep = (keys: MemberKeys | undefined) => {
    const d = draftNow();
    if (!keys || (!d && !hadDraft)) return;
    hadDraft = d !== null;
    void saveDraft(key.id, keys, d).catch(() => undefined);
  };
  const scheduleKeep = () => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => keep(heldKeys(key.id)), 1000);
  };
  for (const input of [subject, body, name, anonymous, named]) input.addEventListener('input', scheduleKeep);
  stopDraftHook?.();
  stopDraftHook = onBeforeLock((id, keys) => {
    if (id === key.id && subject.isConnected && !subject.closest('form')?.hidden) keep(keys);
  });
  const restored = h('div');
  const me0 = unlockedKeys(key.id);
  if (me0) {
    const kept = await readDraft(key.id, me0).catch(() => undefined);
    if (!current()) return;
    if (kept && kept.org === key.org) {
      subject.value = kept.subject;
      body.value = kept.body;
      name.value = kept.name;
      named.checked = kept.named;
      anonymous.checked = !kept.named;
      syncName();
      hadDraft = true;
      const discard = h('button', { type: 'button', class: 'secondary' }, 'Discard it');
      discard.addEventListener('click', () => {
        subject.value = '';
        body.value = '';
        name.value = '';
        anonymous.checked = true;
        syncName();
        keep(unlockedKeys(key.id));
        restored.replaceChildren();
        subject.focus();
      });
      restored.append(
        notice(
          'info',
          h('p', { 'data-testid': 'draft-restored' }, 'Your unsent cable was kept on this device while your key was locked, and is back below. Attachments are not kept: add them again.'),
          h('p', { class: 'actions' }, discard),
        ),
      );
    }
  }
  const memberCount = ctx.ring.length.toLocaleString();
  // Issue 15: the channel (when the organization has channels) and the reviewers the author
  // keeps the message from decide who can read it; the list is always the logged one.
  const channels = ctx.org.settings.channels ?? [];
  let channel: string | undefined;
  const excluded = new Set<bigint>();
  const chosenReaders = (): LoggedReviewer[] => chooseCableReaders(ctx.state.reviewers, channels, channel, excluded);
  const chosenReadersOrNone = (): LoggedReviewer[] => {
    try {
      return chosenReaders();
    } catch {
      return [];
    }
  };
  const toLine = h('p', { 'data-testid': 'cable-to' });
  const readersArea = h('div');
  const drawReaders = () => {
    const pool = channelReviewers(ctx.state.reviewers, channels, channel);
    for (const id of [...excluded]) if (!pool.some((r) => r.accountId === id)) excluded.delete(id);
    const readers = pool.filter((r) => !excluded.has(r.accountId));
    const where = channel !== undefined ? channels.find((c) => c.id === channel)!.name : null;
    toLine.textContent = where !== null ? `To the ${plural(readers.length, 'reviewer')} of “${where}” at ${ctx.org.name}.` : `To the ${plural(readers.length, 'reviewer')} of ${ctx.org.name}.`;
    const keepFrom =
      pool.length > 1
        ? h(
            'fieldset',
            { 'data-testid': 'exclude-reviewers' },
            h('legend', null, 'Keep it from someone (optional)'),
            h('p', { class: 'hint' }, 'If your message is about one of these reviewers, tick their name: it is then not locked for them, and it does not appear in their inbox. At least one reviewer must remain. The server and the reviewers who read it can see whom it is locked for, and so whom you left out: that says something about its subject, though nothing about who you are.'),
            pool.map((r) => {
              const box = h('input', { type: 'checkbox', name: 'exclude', value: String(r.accountId), checked: excluded.has(r.accountId) });
              box.addEventListener('change', () => {
                if (box.checked) excluded.add(r.accountId);
                else excluded.delete(r.accountId);
                drawReaders();
                readersArea.querySelector<HTMLInputElement>(`input[name="exclude"][value="${String(r.accountId)}"]`)?.focus();
              });
              return choice(box, `Do not let ${reviewerName(r)} read it`);
            }),
          )
        : null;
    readersArea.replaceChildren(
      ...[
        keepFrom,
        readers.length === 0
          ? notice('error', h('p', { 'data-testid': 'no-readers' }, 'Nobody would be left to read your message. Untick at least one name.'))
          : h(
              'p',
              null,
              readers.length === 1
                ? `Your message is locked so that this one reviewer${where !== null ? ` of “${where}”` : ''} can read it, and nobody else. `
                : `Your message is locked so that these ${readers.length} reviewers${where !== null ? ` of “${where}”` : ''} can read it, and nobody else. `,
              'This browser read the list from the public record, where everyone can see it; the server cannot add a reader without it showing there.',
            ),
        reviewerList(readers),
        // With a single reader, one lost key loses the message; say so before writing.
        readers.length === 1
          ? notice(
              'warn',
              h(
                'p',
                { 'data-testid': 'single-reviewer' },
                h('strong', null, 'Only this one person can read it. '),
                'If they lose their key, nobody can read your message or answer it, and Candor cannot recover it. An organization avoids this by keeping a second reviewer key offline; you may want to ask whether yours does before you write something that matters.',
              ),
            )
          : null,
      ].filter((x): x is HTMLElement => x !== null),
    );
  };
  const channelPicker =
    channels.length > 0
      ? h(
          'fieldset',
          { 'data-testid': 'cable-channel' },
          h('legend', null, 'Which subject is it about?'),
          h('p', { class: 'hint' }, `${ctx.org.name} has reviewers for particular subjects. Choose one, and only its reviewers can read your message.`),
          [undefined, ...channels.map((c) => c.id)].map((id) => {
            const radio = h('input', { type: 'radio', name: 'channel', value: id ?? '', checked: id === undefined });
            radio.addEventListener('change', () => {
              if (!radio.checked) return;
              channel = id;
              drawReaders();
            });
            const c = channels.find((k) => k.id === id);
            return choice(radio, c !== undefined ? c.name : 'Any of the reviewers', c !== undefined ? plural(channelReviewers(ctx.state.reviewers, channels, c.id).length, 'reviewer') : `All ${plural(ctx.state.reviewers.length, 'reviewer')} of ${ctx.org.name}`);
          }),
        )
      : null;
  drawReaders();
  const f = form(
    { 'aria-label': 'Write a message to the reviewers' },
    async () => {
      errors.replaceChildren();
      try {
        if (!subject.value.trim()) throw new Error('The message needs a subject: one line that says what it is about.');
        if (!body.value.trim()) throw new Error('The message needs a text.');
        if (named.checked && !name.value.trim()) throw new Error('Type your name, or choose “Anonymous”.');
        if (chosenReadersOrNone().length === 0) throw new Error('Nobody would be left to read your message: untick at least one name under “Keep it from someone”.');
        const me = unlockedKeys(key.id);
        if (!me) throw new Error('Your key was locked meanwhile. Unlock it and send again.');
        const attachments: CableAttachment[] = [];
        for (const file of Array.from(files.files ?? [])) {
          attachments.push({ name: file.name, type: file.type, data: await readFile(file) });
        }
        // Two signatures within the whole roster: about a millisecond per member (10^4: 10 s).
        const members = ctx.state.roster.members(ctx.version).length;
        const seconds = Math.ceil(members / 1000);
        replace(
          status,
          h(
            'p',
            null,
            (named.checked ? 'Encrypting in this browser, with your name…' : 'Encrypting in this browser, and proving you are a member without saying which…') +
              (seconds > 2 ? ` This takes about ${seconds.toLocaleString()} seconds: your browser proves you are one of ${members.toLocaleString()} members without saying which.` : ''),
          ),
        );
        // The server lists only published cables' slots: skip the ones spent from here too (H1).
        const ownSlots = await spentSlots(key.id, me, key.org, ctx.quota.window);
        // In the key worker, so that the page keeps answering meanwhile.
        const sealed = await sealCableInWorker(
          {
            subject: subject.value.trim(),
            body: body.value,
            attachments,
            ...(named.checked ? { authorName: name.value.trim() } : {}),
          },
          {
            organization: key.org,
            rosterVersion: ctx.version,
            roster: ctx.state.roster.members(ctx.version),
            reviewers: chosenReaders().map((r) => r.boxPublic), // by account id, as logged
            ...(channel !== undefined ? { channel } : {}),
            quotaWindow: BigInt(ctx.quota.window),
            quotaSlots: ctx.quota.slots,
            usedTags: ctx.quota.used,
            ownSlots,
            minRing: Math.max(DEFAULT_MIN_RING_SIZE, ctx.org.settings.min_ring_size),
          },
          me,
        );
        // The slot counts as spent from the moment its tag leaves this browser, whatever the
        // answer: using it again would let the server link the two attempts (security review H1).
        await recordSlot(key.id, me, key.org, ctx.quota.window, sealed.slot);
        replace(status, h('p', null, 'Sending…'));
        const view = await api<CableView>('/cables', { method: 'POST', body: sealed.request });
        status.replaceChildren();
        subject.value = '';
        body.value = '';
        files.value = '';
        f.hidden = true;
        hadDraft = true;
        void saveDraft(key.id, me, null).catch(() => undefined);
        markSentFromHere();
        area.append(receiptPanel(sealed.receipt, view, named.checked, sealed.ringSize, ctx.org.name));
        area.querySelector<HTMLElement>('#receipt-h')?.focus();
      } catch (e) {
        status.replaceChildren();
        if (e instanceof ApiError && e.status === 409) {
          showError(errors, new Error(`${e.message}. Nothing was sent: reload this page and send again.`));
        } else if (e instanceof ApiError && e.status === 429 && /quota slot/i.test(e.message)) {
          // Never retried by itself with another slot: an attempt right after this refusal
          // would be tied to the earlier cable that spent the slot (security review H1).
          showError(
            errors,
            new Error(
              'Nothing was sent: your key already used this send, for a message sent from another device or the command line that is not published yet. ' +
                'Candor does not try again by itself, because a second attempt right after this one would let the server connect it with that earlier message. ' +
                'Your text is still here. If you still want to send it, wait a while — a few hours is better than a few minutes — and send again: this browser will choose another slot.',
            ),
          );
        } else showError(errors, e, 'Your message was not sent.');
      }
    },
    sentFromHereNotice(),
    restored,
    toLine,
    h(
      'p',
      { class: 'hint', 'data-testid': 'cable-quota' },
      `Each member may send up to ${plural(ctx.quota.slots, 'message')} in each period; this period ends on ${new Date(ctx.quota.window_ends_ms).toLocaleDateString(undefined, { dateStyle: 'medium' })}. `,
      'Nobody, not even the server, can tell how many of them are yours.',
    ),
    field({ label: 'Subject', input: subject, hint: 'One line. It is encrypted too.' }),
    field({ label: 'What you want the reviewers to know', input: body, hint: 'Facts, dates, who and where. Say what you want to happen.' }),
    field({ label: 'Attachments (optional)', input: files, hint: 'Documents or pictures. They are locked with the message. Remove hidden data (author names, locations) from files first if you stay anonymous.' }),
    h(
      'fieldset',
      null,
      h('legend', null, 'Who is writing?'),
      choice(anonymous, 'Anonymous', `The reviewers learn only that one of the ${memberCount} members of ${ctx.org.name} wrote it. Say nothing in the text that gives you away.`),
      choice(named, 'With my name', 'Only the reviewers see your name, with proof that it is really you (your key vouches for it). The server sees only that the message is named.'),
      nameField,
    ),
    h(
      'section',
      { 'aria-labelledby': 'readers-h' },
      h('h2', { id: 'readers-h' }, 'Who will be able to read it'),
      channelPicker,
      readersArea,
      h(
        'p',
        { class: 'hint' },
        'Each key has a fingerprint. If you want to be sure, ask a reviewer, in person, to read you the fingerprint of their key from their own screen, and compare.',
      ),
      firstUseNote(ctx.head),
    ),
    safetyReminder('send'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'send-cable' }, 'Encrypt and send')),
    status,
    errors,
  );
  area.append(f);
  if (focusFormOnDraw) {
    focusFormOnDraw = false;
    focusResult(restored.firstElementChild ? restored.querySelector('[data-testid="draft-restored"]') : subject);
  }
}

// This browser tab sent a cable (sessionStorage: the tab only, gone when it closes, and no
// id): a form drawn again after Back says so, rather than inviting the same cable twice.
const SENT_KEY = 'candor-cable-sent-from-this-tab';

function markSentFromHere(): void {
  try {
    sessionStorage.setItem(SENT_KEY, '1');
  } catch {
    // storage refused (a private window's quota): the notice is a convenience
  }
}

function sentFromHereNotice(): HTMLElement | null {
  let sent = false;
  try {
    sent = sessionStorage.getItem(SENT_KEY) === '1';
  } catch {
    sent = false;
  }
  if (!sent) return null;
  return notice(
    'info',
    h(
      'p',
      { 'data-testid': 'sent-before' },
      'You already sent a message from this window. It is on its way: there is no need to send it again. ',
      'Write here only if you have something new to say.',
    ),
  );
}

const RECEIPT_NOT_SAVED =
  'Your receipt is not saved yet. Without it nobody — not even the reviewers — can show you their replies, and it cannot be shown again. Leave this page anyway?';

function receiptPanel(receipt: string, view: CableView, named: boolean, ringSize: number, orgName: string): HTMLElement {
  const copied = statusRegion();
  const saved = h('input', { type: 'checkbox' });
  // Until the member says the receipt is kept, leaving the page asks first.
  guardLeaving(RECEIPT_NOT_SAVED);
  const next = h(
    'p',
    { hidden: true },
    'Come back any time to ',
    h('a', { href: '#/member/cables/read' }, 'read replies'),
    ' with this receipt.',
  );
  saved.addEventListener('change', () => {
    next.hidden = !saved.checked;
    guardLeaving(saved.checked ? null : RECEIPT_NOT_SAVED);
  });
  const d = view.deadlines;
  return h(
    'section',
    { 'aria-labelledby': 'receipt-h' },
    notice(
      'ok',
      h(
        'p',
        { 'data-testid': 'cable-sent' },
        h('strong', null, 'Your message was sent. '),
        named
          ? `It carries your name, visible to the reviewers only.`
          : `It is anonymous: it proves only that one of ${ringSize.toLocaleString()} members of ${orgName} wrote it.`,
      ),
      h('p', null, `The reviewers must acknowledge it by ${dateText(d.acknowledge_by)} and answer by ${dateText(d.answer_by)}.`),
    ),
    h('h2', { id: 'receipt-h', tabindex: '-1' }, 'Keep your receipt: 12 words'),
    notice(
      'warn',
      h('p', null, h('strong', null, 'These 12 words are the only way to read the reviewers’ replies. '), 'Candor keeps no copy, and nobody — not the reviewers, not the administrators — can give them back to you if you lose them.'),
      h('p', null, 'Write them down on paper, in this order, and keep the paper somewhere safe and private — not at work. Anyone who has them can read the replies.'),
    ),
    // One word per item, numbered by the list itself, so that a person copies them in order.
    h(
      'ol',
      { class: 'receipt-words', 'data-testid': 'receipt', 'aria-label': 'Your 12 receipt words, in order' },
      ...receipt.split(' ').map((w) => h('li', null, w)),
    ),
    h('p', { class: 'hint' }, 'Capital letters and the numbers do not matter when you type them back. If you mistype a word, the page tells you which one.'),
    h(
      'div',
      { class: 'actions' },
      h('button', {
        type: 'button',
        class: 'secondary',
        onclick: () => void copyText(receipt).then((ok) => replace(copied, ok ? 'Copied. Paste the words into a password manager on your own device, or write them down.' : 'This browser would not copy: write the words down instead.')),
      }, 'Copy the words'),
      copied,
    ),
    choice(saved, 'I have written down my 12 words, or saved them somewhere safe.'),
    next,
  );
}

// ---- #/member/cables/read ----

// The author's view of the cable, fetched with the access value (the id in the body, not the
// URL, where proxies would log it next to the author's address: security review H2) and
// checked to be the cable this receipt is for.
async function authorView(id: Uint8Array, keys: ReceiptKeys): Promise<CableView> {
  let view: CableView;
  try {
    view = await api<CableView>('/cables/status', { method: 'POST', body: { id: toHex(id), access: toHex(keys.access) } });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      throw new Error('No message matches this receipt. Check each word against your copy. A receipt that was lost cannot be recovered.');
    }
    throw e;
  }
  // Its header carries the id and the hash of the access value.
  const header = decodeCableHeader(fromHex(view.header_bytes));
  if (toHex(header.id) !== toHex(id) || view.id !== toHex(id) || toHex(header.accessHash) !== toHex(keys.accessHash)) {
    throw new Error('The server answered with a message this receipt is not for. Nothing was shown. Try again later, and if it happens again, tell someone you trust outside the organization.');
  }
  return view;
}

function drawAuthorView(
  result: HTMLElement,
  view: CableView,
  keys: ReceiptKeys,
  id: Uint8Array,
  forget: () => void,
  sent: boolean,
  reload: () => Promise<void>,
): void {
  const messages = openMessages(view, keys.reply, false);
  const replies = messages.filter((m) => m.action !== 'followed-up').length;
  const logArea = h('div', { 'aria-live': 'polite' });
  const sentNotice = sent
    ? notice(
        'ok',
        h('p', { 'data-testid': 'follow-up-sent', tabindex: '-1' }, h('strong', null, 'Your addition was sent. '), 'It reaches the reviewers with the next group of messages; the deadlines stay as they were.'),
      )
    : null;
  replace(
    result,
    h('h2', null, 'Your message'),
    sentNotice,
    notice(view.state === 'closed' ? 'ok' : 'info', h('p', { 'data-testid': 'cable-state' }, stateText(view))),
    deadlinesList(view.deadlines, view.received_on),
    h('p', null, view.author === 'named' ? 'You sent it with your name.' : 'You sent it anonymously.'),
    h('h2', null, (replies === 0 ? 'No reply yet' : plural(replies, 'message') + ' from the reviewers') + (replies < messages.length ? ', and what you added' : '')),
    timeline(view.events, messages, false),
    followUpForm(view, keys, id, reload),
    logArea,
    h('p', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: forget }, 'Forget the receipt on this page')),
  );
  focusResult(sentNotice ? result.querySelector('[data-testid="follow-up-sent"]') : result.querySelector('h2'));
  void logCheck(view, logArea);
}

// The author's follow-up (issue 15): sealed in this browser to the author's own reply key and
// to the reviewers the public record lists, never to a list the server merely answers.
function followUpForm(view: CableView, keys: ReceiptKeys, id: Uint8Array, after: () => Promise<void>): HTMLElement | null {
  if (!view.published || view.state === 'closed' || view.state === 'purged') return null;
  const errors = errorRegion();
  const status = statusRegion();
  const text = h('textarea', { rows: '5', required: true, name: 'follow-up' });
  const files = h('input', { type: 'file', multiple: true, name: 'follow-up-attachments' });
  return h(
    'section',
    { 'aria-labelledby': 'follow-up-h' },
    h('h2', { id: 'follow-up-h' }, 'Add to your message'),
    h('p', null, 'Something new to tell the reviewers? Only they — and you, with your receipt — can read it. It reaches them with the next group of messages, and it does not change the deadlines.'),
    form(
      { 'aria-label': 'Add to your message' },
      async () => {
        errors.replaceChildren();
        try {
          if (!text.value.trim()) throw new Error('Write what you want to add first.');
          replace(status, h('p', null, 'Encrypting in this browser…'));
          const head = await fetchTrustedHead();
          const state = await fetchOrgState(view.organization, head);
          const attachments: CableAttachment[] = [];
          for (const file of Array.from(files.files ?? [])) {
            attachments.push({ name: file.name, type: file.type, data: await readFile(file) });
          }
          // To those who can read the cable now: its recipients the log still lists (issue 15).
          const readers = cableReadersNow(decodeCableHeader(fromHex(view.header_bytes)), view.events, state.reviewers);
          if (readers.length === 0) {
            throw new Error('None of the reviewers who could read your message is a reviewer any more. Nothing was sent: write a new message to reach the reviewers there are now.');
          }
          const body = sealFollowUp(id, keys.access, keys.reply.publicKey, { body: text.value, attachments }, readers.map((r) => r.boxPublic));
          await api('/cables/follow-up', { method: 'POST', body });
          status.replaceChildren();
          await after();
        } catch (e) {
          status.replaceChildren();
          showError(errors, e, 'Your addition was not sent.');
        }
      },
      field({ label: 'What you want to add', input: text, hint: 'If you stay anonymous, say nothing here that gives you away.' }),
      field({ label: 'Attachments (optional)', input: files, hint: 'Locked with your addition. Remove hidden data (author names, locations) from files first if you stay anonymous.' }),
      safetyReminder('send'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', 'data-testid': 'send-follow-up' }, 'Encrypt and send')),
      status,
      errors,
    ),
  );
}

// The public log as this server serves it, at the tree head this browser trusts (trust.ts:
// pinned key, no rollback, no fork); every entry it returns is checked by the caller. The
// indices of the author's own entries go in a POST body, never in a URL: a proxy logs URLs
// next to the author's address (security review H2).
const MAX_INCLUDED = 64; // per request (POST /api/v1/log/included)
const logAt = (head: TrustedHead): LogReader => ({
  treeHead: async () => head.sth,
  included: async (indices, size) => {
    const out: { entry: Uint8Array; proof: Uint8Array[] }[] = [];
    for (let i = 0; i < indices.length; i += MAX_INCLUDED) {
      const part = indices.slice(i, i + MAX_INCLUDED);
      const r = await api<{ entries: { index: number; entry: string; proof: string[] }[] }>('/log/included', {
        method: 'POST',
        body: { tree_size: Number(size), indices: part.map(Number) },
      });
      if (!Array.isArray(r.entries) || r.entries.length !== part.length) {
        throw verificationFailed('the server did not send every log entry asked for');
      }
      for (const [k, e] of r.entries.entries()) {
        if (BigInt(e.index) !== part[k] || typeof e.entry !== 'string' || !Array.isArray(e.proof)) {
          throw verificationFailed(`the server sent no log entry at ${part[k]}`);
        }
        out.push({ entry: fromHex(e.entry), proof: e.proof.map((p) => fixedFromHex(p, 32, 'proof hash')) });
      }
    }
    return out;
  },
});

// Checks the cable's events against the public log in this browser and says what it found.
async function logCheck(view: CableView, area: HTMLElement): Promise<void> {
  replace(area, h('p', { class: 'hint' }, 'Checking the public record of your message…'));
  try {
    const head = await fetchTrustedHead();
    const { checked, treeSize } = await checkCableEventsInLog(view, head.logKey, logAt(head));
    const waiting = view.events.length - checked;
    replace(
      area,
      notice(
        'ok',
        h(
          'p',
          { 'data-testid': 'log-checked' },
          h('strong', null, 'Checked in this browser: '),
          `${plural(checked, 'step')} of your message (its sending, and each acknowledgement and reply) ${checked === 1 ? 'is' : 'are'} in the public record, proven against its signed state (${treeSize.toLocaleString()} entries). `,
          'Nobody can delete your message or rewrite its history without this check failing.',
        ),
        waiting > 0 ? h('p', null, `${plural(waiting, 'newer step')} ${waiting === 1 ? 'goes' : 'go'} into the public record with the next group; check again later.`) : null,
        firstUseNote(head),
      ),
    );
  } catch (e) {
    replace(
      area,
      notice(
        'error',
        h('p', { 'data-testid': 'log-check-failed' }, h('strong', null, 'The public log does not confirm your cable’s record. '), e instanceof Error ? `${e.message.replace(/\.$/, '')}. ` : ''),
        h('p', null, 'If this persists, the server may be hiding or changing what happened to your message: keep your receipt and tell someone you trust outside the organization.'),
        e instanceof LogKeyChangedError ? keyChangedHelp(e) : null,
        e instanceof LogKeyMismatchError ? keyMismatchHelp(e) : null,
      ),
    );
  }
}

export function readCablePage(main: HTMLElement): () => void {
  const errors = errorRegion();
  const status = statusRegion();
  const result = h('div');
  const input = h('textarea', { rows: '3', required: true, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', autocorrect: 'off', name: 'receipt' });
  let forget: (() => void) | null = null;
  const f = form(
    { 'aria-label': 'Read replies with your receipt' },
    async () => {
      errors.replaceChildren();
      result.replaceChildren();
      try {
        const { id, secret } = parseReceipt(input.value);
        const keys = deriveReceiptKeys(secret);
        wipe(secret);
        replace(status, h('p', null, 'Fetching your message and unlocking the replies in this browser…'));
        const view = await authorView(id, keys);
        status.replaceChildren();
        forget = () => {
          wipe(keys.reply.secret, keys.access);
          result.replaceChildren();
          input.value = '';
        };
        const draw = (v: CableView, sent: boolean) => {
          drawAuthorView(result, v, keys, id, () => forget?.(), sent, async () => draw(await authorView(id, keys), true));
        };
        draw(view, false);
      } catch (e) {
        status.replaceChildren();
        showError(errors, e, 'The replies could not be read.');
      }
    },
    field({ label: 'Your receipt', input, hint: 'Type the 12 words you wrote down, in order, with spaces between them. (A long receipt starting candor-receipt-v1- works too.) They stay in this page only.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Read replies')),
    status,
    errors,
  );
  main.append(
    h('h1', null, 'Read replies'),
    h('p', null, 'Your receipt — the 12 words you kept when you sent your message — unlocks the reviewers’ replies. The words never leave this page: the server only sees a value made from them, and the replies are decrypted here.'),
    f,
    result,
  );
  titled(main, 'Read replies');
  return () => forget?.();
}
