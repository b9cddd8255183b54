// Plain-language error messages: what happened and what to do, for every failure a page can
// meet. The server's own messages already say both (docs/API.md), so API errors keep them and
// only gain a sentence where the page knows more.
import { ApiError } from '../api.js';
import { isCandorError } from '../crypto/errors.js';
import { KeyFileError } from '../keyworker.js';
import { LogKeyChangedError, LogKeyMismatchError } from '../trust.js';
import { h, notice, replace } from './dom.js';
import { keyChangedHelp, keyMismatchHelp } from './trust.js';

export function explain(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401 && e.code === 'unauthenticated') {
      return `${e.message} If you were signed in, your session may have ended: sign in again.`;
    }
    return e.message;
  }
  const code = e instanceof KeyFileError ? e.code : isCandorError(e) ? e.code : null;
  switch (code) {
    case 'resource exhausted':
      // Two things run out: the memory Argon2id needs to open a key file (crypto/keyfile.ts,
      // whose message names it), and a member's cable quota, whose message says so in plain
      // words and must reach the member as it is.
      if (/\bmemory\b/.test((e as Error).message)) {
        return 'This device did not have enough free memory to open the key. Close other tabs or apps, then try again.';
      }
      return (e as Error).message;
    case 'unauthenticated':
      return 'That passphrase does not open this key. Passphrases are case-sensitive: check it and try again.';
    case 'corrupt data':
      return 'This is not a Candor key file, or it is damaged. Choose the .key file that `candor keygen` wrote or that you saved from Candor.';
    case 'invalid argument':
    case 'verification failed':
      return (e as Error).message;
    default:
      break;
  }
  if (e instanceof Error && e.message) return e.message;
  return 'Something went wrong. Reload the page and try again.';
}

// Shows `e` in an error region (role="alert"), with an optional heading. A log key that
// changed, or an entered log key that is not the pinned one, comes with the way to trust an
// announced new key (ui/trust.ts).
export function showError(region: HTMLElement, e: unknown, heading?: string): void {
  replace(
    region,
    notice(
      'error',
      heading ? h('p', null, h('strong', null, heading)) : null,
      h('p', null, explain(e)),
      e instanceof LogKeyChangedError ? keyChangedHelp(e) : null,
      e instanceof LogKeyMismatchError ? keyMismatchHelp(e) : null,
    ),
  );
}

export function clear(region: HTMLElement): void {
  region.replaceChildren();
}
