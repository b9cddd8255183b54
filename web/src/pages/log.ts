// The transparency log's latest signed tree head, checked in this browser, and how to audit
// the whole log from a command line.
import { apiBytes } from '../api.js';
import { fromHex, toHex } from '../crypto/bytes.js';
import { parseJson, isObject } from '../crypto/json.js';
import { signedTreeHeadFromJson, verifySignedTreeHead } from '../crypto/tree_head.js';
import { stillHere, titled } from '../router.js';
import { errorRegion, formatTime, h, notice } from '../ui/dom.js';
import { showError } from '../ui/errors.js';

export async function logPage(main: HTMLElement): Promise<void> {
  const errors = errorRegion();
  const body = h('div', { 'aria-busy': 'true' }, h('p', null, 'Loading the log’s latest tree head…'));
  main.append(
    h('h1', null, 'Transparency log'),
    h(
      'p',
      null,
      'Every roster change, letter and published signature is appended to a public, append-only log (RFC 9162). ',
      'The log signs its latest state, the tree head; anyone who keeps an old tree head can prove that the log only ever grew.',
    ),
    errors,
    body,
  );
  titled(main, 'Transparency log');
  const here = stillHere();
  try {
    const [keyBytes, sthBytes] = await Promise.all([apiBytes('/log/key'), apiBytes('/log/sth')]);
    if (!here()) return;
    const keyJson = parseJson(keyBytes);
    const keyHex = isObject(keyJson) ? keyJson.get('public_key') : undefined;
    if (typeof keyHex !== 'string') throw new Error('The server sent no log key. Try again later.');
    const logKey = fromHex(keyHex);
    const sth = signedTreeHeadFromJson(parseJson(sthBytes));
    let verified = true;
    try {
      verifySignedTreeHead(sth, logKey);
    } catch {
      verified = false;
    }
    const origin = window.location.origin;
    body.removeAttribute('aria-busy');
    body.replaceChildren(
      verified
        ? notice('ok', h('p', { 'data-testid': 'sth-verified' }, h('strong', null, 'Signature checked in this browser: '), 'this tree head is signed by the log key below.'))
        : notice('error', h('p', null, h('strong', null, 'The tree head’s signature does not verify with the log key. '), 'Do not trust this server’s log; report it to the organization.')),
      h('h2', null, 'Latest tree head'),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Entries'),
        h('dd', { 'data-testid': 'tree-size' }, sth.head.size.toLocaleString()),
        h('dt', null, 'Signed at'),
        h('dd', null, formatTime(Number(sth.head.timestampMs))),
        h('dt', null, 'Root hash'),
        h('dd', null, h('code', { class: 'break' }, toHex(sth.head.root))),
        h('dt', null, 'Signature'),
        h('dd', null, h('code', { class: 'break' }, toHex(sth.signature))),
        h('dt', null, 'Log key'),
        h('dd', null, h('code', { class: 'break', 'data-testid': 'log-key' }, keyHex)),
      ),
      h('h2', null, 'Audit the whole log yourself'),
      h(
        'p',
        null,
        'The command-line client remembers the tree head it saw and proves, each time it runs, that the new log extends the old one. ',
        'With --full it downloads every entry and recomputes the tree.',
      ),
      h('pre', null, h('code', null, `candor audit --server ${origin} --full`)),
    );
  } catch (e) {
    if (!here()) return;
    body.replaceChildren();
    showError(errors, e, 'The log could not be loaded.');
  }
}
