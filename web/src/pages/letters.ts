// Public pages: the list of letters, and one letter with its counts per organization, a chart
// of signatures over time, and "verify it yourself" (the full recount of `candor verify`, run
// in a Web Worker in this browser).
import { allLetters, api, type BatchesView, type LetterView } from '../api.js';
import { stillHere, titled } from '../router.js';
import { signatureChart } from '../ui/chart.js';
import { errorRegion, formatTime, h, tableWrap, notice, plural, replace, statusRegion } from '../ui/dom.js';
import { showError } from '../ui/errors.js';
import { recount, type RecountResult } from '../verifyclient.js';

export function isLetterId(id: string): boolean {
  return /^[0-9a-f]{64}$/.test(id);
}

export function shortId(id: string): string {
  return `${id.slice(0, 12)}…`;
}

// "3 of 25 members" per organization, or why there is no number yet.
export function countText(_view: LetterView, signers: number | null): string {
  if (signers === null) return 'hidden until the quorum is reached';
  return plural(signers, 'signature');
}

export function letterStatusBadges(view: LetterView): HTMLElement[] {
  const out: HTMLElement[] = [];
  out.push(
    h('span', { class: `badge ${view.status === 'open' ? 'ok' : 'bad'}` }, view.status === 'open' ? 'Open for signatures' : 'Closed'),
  );
  if (view.quorum !== null) {
    out.push(
      h(
        'span',
        { class: 'badge' },
        view.quorum_reached ? `Quorum of ${view.quorum} reached` : `Quorum: ${view.quorum} signatures`,
      ),
    );
  }
  return out;
}

// The frozen text: title, body, and when it closes.
export function letterText(view: LetterView): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'letter-text-h' },
    h('h2', { id: 'letter-text-h' }, 'The letter'),
    h('div', { class: 'letter-text' }, view.letter.body),
    h(
      'p',
      { class: 'hint' },
      'This text is final: the letter’s number ',
      h('code', { class: 'break' }, view.id),
      ' is computed from its exact words, so changing a single word would give another number. Nobody can change it after anyone signed.',
      view.letter.closes_at_ms !== undefined ? ` Signatures close ${formatTime(view.letter.closes_at_ms)}.` : '',
    ),
  );
}

export function countsTable(view: LetterView): HTMLElement {
  const quorumPending = view.total === null;
  return tableWrap(
    'Signatures per organization',
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Signatures per organization'),
      h(
        'thead',
        null,
        h('tr', null, h('th', { scope: 'col' }, 'Organization'), h('th', { scope: 'col', class: 'num' }, 'Members who may sign'), h('th', { scope: 'col', class: 'num' }, 'Signatures')),
      ),
      h(
        'tbody',
        null,
        view.organizations.map((o) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, o.name),
            h('td', { class: 'num' }, o.roster_size.toLocaleString()),
            h('td', { class: 'num', 'data-org': o.slug, 'data-testid': `count-${o.slug}` }, o.signers === null ? '—' : o.signers.toLocaleString()),
          ),
        ),
        view.organizations.length > 1
          ? h(
              'tr',
              null,
              h('th', { scope: 'row' }, 'Total'),
              h('td', { class: 'num' }, view.organizations.reduce((a, o) => a + o.roster_size, 0).toLocaleString()),
              h('td', { class: 'num', 'data-testid': 'count-total' }, view.total === null ? '—' : view.total.toLocaleString()),
            )
          : null,
      ),
    ),
    quorumPending
      ? h(
          'p',
          { class: 'hint' },
          `Counts stay hidden until ${view.quorum} members have signed; then all signatures are published at once. This protects the first signers.`,
        )
      : h(
          'p',
          { class: 'hint' },
          'Signatures are published in batches at random moments, so the counts move batch by batch and say nothing about when anyone signed.',
        ),
  );
}

export async function lettersPage(main: HTMLElement): Promise<void> {
  const errors = errorRegion();
  const list = h('div', { 'aria-busy': 'true' }, h('p', null, 'Loading letters…'));
  main.append(
    h('h1', null, 'Letters'),
    h(
      'p',
      null,
      'Collective letters that members of an organization can sign without giving their names. ',
      'Anyone can read them, see how many members signed, and check the count.',
    ),
    errors,
    list,
  );
  titled(main, 'Letters');
  const here = stillHere();
  try {
    const letters = await allLetters();
    if (!here()) return;
    list.removeAttribute('aria-busy');
    if (letters.length === 0) {
      replace(list, notice('info', h('p', null, 'No letters have been published yet.')));
      return;
    }
    const ordered = [...letters].reverse(); // newest first
    replace(
      list,
      h(
        'ul',
        { class: 'cards' },
        ordered.map((l) =>
          h(
            'li',
            { class: 'card' },
            h('h2', null, h('a', { href: `#/letters/${l.id}` }, l.letter.title)),
            h('p', null, ...letterStatusBadges(l)),
            h(
              'p',
              null,
              l.total === null ? 'Counts hidden until the quorum is reached' : plural(l.total, 'signature'),
              ' · ',
              l.organizations.map((o) => o.name).join(', '),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    if (!here()) return;
    list.replaceChildren();
    showError(errors, e, 'The letters could not be loaded.');
  }
}

export async function letterPage(main: HTMLElement, params: Record<string, string>): Promise<void> {
  const id = (params['id'] ?? '').toLowerCase();
  const errors = errorRegion();
  main.append(h('h1', null, 'Letter'), errors);
  titled(main, 'Letter');
  if (!isLetterId(id)) {
    replace(errors, notice('error', h('p', null, 'This is not a letter address: a letter id is 64 hexadecimal characters. Go back to the list of letters and choose one.')));
    return;
  }
  const here = stillHere();
  let view: LetterView;
  let batches: BatchesView;
  try {
    [view, batches] = await Promise.all([
      api<LetterView>(`/letters/${id}`),
      api<BatchesView>(`/letters/${id}/batches`),
    ]);
  } catch (e) {
    if (here()) showError(errors, e, 'This letter could not be loaded.');
    return;
  }
  if (!here()) return;
  main.replaceChildren();
  const orgNames = new Map(view.organizations.map((o) => [o.slug, o.name]));
  const series =
    batches.organizations.length > 1
      ? [
          { name: 'All organizations', values: batches.batches.map((b) => b.total_after) },
          ...batches.organizations.map((slug, k) => ({
            name: orgNames.get(slug) ?? slug,
            values: batches.batches.map((b) => b.signers_after[k] ?? 0),
          })),
        ]
      : [{ name: orgNames.get(batches.organizations[0] ?? '') ?? 'Signatures', values: batches.batches.map((b) => b.total_after) }];

  const verifySection = verifyYourself(view);
  main.append(
    h('h1', null, view.letter.title),
    h('p', null, ...letterStatusBadges(view)),
    errors,
    h(
      'p',
      { class: 'actions' },
      view.status === 'open' ? h('a', { class: 'button', href: `#/member/letters/${view.id}` }, 'Sign this letter as a member') : null,
    ),
    h('section', { 'aria-labelledby': 'counts-h' }, h('h2', { id: 'counts-h' }, 'Signatures'), countsTable(view)),
    letterText(view),
    h(
      'section',
      { 'aria-labelledby': 'chart-h' },
      h('h2', { id: 'chart-h' }, 'Signatures over time'),
      signatureChart(
        { times: batches.batches.map((b) => b.published_at_ms), series },
        'Signatures after each published batch',
      ),
    ),
    verifySection,
  );
  titled(main, view.letter.title);
}

function verifyYourself(view: LetterView): HTMLElement {
  const origin = window.location.origin;
  const command = h('code', { 'data-testid': 'verify-command' }, `candor verify ${view.id} --server ${origin}`);
  const progress = h('progress', { max: 100, value: 0, 'aria-label': 'Verification progress' });
  const progressText = h('span', null, '');
  const progressBox = h('div', { hidden: true }, h('p', null, progressText), progress);
  const status = statusRegion();
  status.append(progressBox);
  const result = h('div', { 'aria-live': 'polite' });
  const errors = errorRegion();
  const button = h('button', { type: 'button', 'data-testid': 'verify-button' }, 'Verify the count in this browser');
  button.addEventListener('click', () => {
    button.disabled = true;
    progressBox.hidden = false;
    progress.value = 0;
    progressText.textContent = 'Downloading the letter, its member lists and every signature from the public record…';
    result.replaceChildren();
    errors.replaceChildren();
    const here = stillHere();
    recount(view.id, (p) => {
      if (!here()) return;
      progress.max = Math.max(1, p.total);
      progress.value = p.done;
      progressText.textContent =
        p.phase === 'download'
          ? 'Downloading the letter, its member lists and every signature from the public record…'
          : p.total === 0
            ? 'Checking the log’s signature, its proofs and the member lists…'
            : `Checking signature ${p.done.toLocaleString()} of ${p.total.toLocaleString()}…`;
    })
      .then((r) => {
        if (!here()) return;
        progressBox.hidden = true;
        replace(result, recountResult(view, r));
        replace(command, `candor verify ${view.id} --server ${origin} --log-key ${r.logKey}`);
      })
      .catch((e: unknown) => {
        if (!here()) return;
        progressBox.hidden = true;
        showError(errors, e, 'The verification failed.');
      })
      .finally(() => {
        button.disabled = false;
        button.textContent = 'Verify again';
      });
  });
  return h(
    'section',
    { 'aria-labelledby': 'verify-h', class: 'card' },
    h('h2', { id: 'verify-h' }, 'Verify it yourself'),
    h(
      'p',
      null,
      'Your browser can recount this letter from the public log without trusting this server: it checks the log’s signature, ',
      'that every entry is in the log, rebuilds each organization’s member list, checks every signature and counts each signer once.',
    ),
    h('p', { class: 'actions' }, button),
    status,
    errors,
    result,
    h('h3', null, 'The same check from a command line'),
    h('p', null, 'Anyone with the open-source command-line client can run:'),
    h('pre', null, command),
  );
}

function recountResult(view: LetterView, r: RecountResult): HTMLElement {
  const serverCounts = new Map(view.organizations.map((o) => [o.slug, o.signers]));
  const agree = r.organizations.every((o) => serverCounts.get(o.slug) === null || serverCounts.get(o.slug) === o.signers);
  const pending = view.total === null;
  return h(
    'div',
    { 'data-testid': 'verify-result' },
    notice(
      agree ? 'ok' : 'error',
      h(
        'p',
        null,
        h(
          'strong',
          null,
          agree
            ? `Verified: ${plural(r.total, 'member')} signed, counted in this browser.`
            : 'The server’s count differs from what the log proves.',
        ),
      ),
      h(
        'p',
        null,
        `Checked ${plural(r.signaturesChecked, 'signature')} in ${plural(r.batches, 'batch', 'batches')} against the log’s tree head of ${r.treeSize.toLocaleString()} entries`,
        r.withdrawals > 0 ? `; ${plural(r.withdrawals, 'signature')} withdrawn` : '',
        r.duplicatesDropped > 0 ? `; ${plural(r.duplicatesDropped, 'duplicate')} counted once` : '',
        '.',
        // Each signature's anonymity set: a whole roster (candor-lrs-v2) or one bucket (v1).
        r.wholeRosterSignatures === r.signaturesChecked && r.signaturesChecked > 0
          ? ' Each signer is hidden among every member of their organization.'
          : r.wholeRosterSignatures > 0
            ? ` ${plural(r.wholeRosterSignatures, 'signer')} hidden among every member of their organization, the others among a group of it.`
            : '',
      ),
      r.complete
        ? h('p', { 'data-testid': 'verify-complete' }, 'Nothing is left out: the log’s own record of its contents at that tree head shows every batch of this letter.')
        : null,
      pending ? h('p', null, 'The quorum is not reached yet, so the log holds no signatures of this letter yet.') : null,
      agree ? null : h('p', null, 'Do not rely on the numbers this server shows. Keep a copy of the letter bundle and report this to the organization.'),
    ),
    tableWrap(
      'The server’s count and this browser’s',
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', null, 'Organization'), h('th', { class: 'num' }, 'Server says'), h('th', { class: 'num' }, 'Your browser counted'))),
        h(
          'tbody',
          null,
          r.organizations.map((o) =>
            h(
              'tr',
              null,
              h('th', { scope: 'row' }, view.organizations.find((v) => v.slug === o.slug)?.name ?? o.slug),
              h('td', { class: 'num' }, serverCounts.get(o.slug) === null ? '—' : String(serverCounts.get(o.slug) ?? '?')),
              h('td', { class: 'num', 'data-testid': `verified-${o.slug}` }, String(o.signers)),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'hint' }, 'Log key: ', h('code', { class: 'break' }, r.logKey)),
  );
}
