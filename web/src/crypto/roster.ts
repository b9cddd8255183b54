// An organization's roster rebuilt from its numbered changes (src/domain/roster.h): replaying
// the `roster-add` / `roster-remove` log entries of an organization in order gives its member
// list — the ring P_0 … P_{n-1} — at every version.
//
// Rules, checked by apply for every change: versions 1, 2, 3, … with no gap; an added key is a
// valid non-identity point with a non-zero X25519 reply key, added at most once ever (a
// removed key never returns); a removal carries no reply key and removes a present key.
// Members keep the order in which they were added.
import { toHex } from './bytes.js';
import { CandorError, invalidArgument } from './errors.js';
import { isValidBoxPublicKey } from './keys.js';
import { ringDigestOf } from './lrs.js';
import { isValidPoint } from './ristretto.js';

export interface RosterEvent {
  version: bigint; // 1, 2, 3, …
  change: 'add' | 'remove';
  ringPublic: Uint8Array; // the member's ring key P
  replyPublic?: Uint8Array | undefined; // present for an add, absent for a removal
}

interface Member {
  key: Uint8Array;
  reply: Uint8Array;
  added: bigint;
  removed: bigint; // 0n while present
}

function keyLabel(key: Uint8Array): string {
  return toHex(key).slice(0, 16) + '…';
}

export class Roster {
  private readonly events: RosterEvent[] = [];
  private readonly list: Member[] = [];
  private readonly index = new Map<string, number>();
  private readonly sizes: number[] = [0];

  // Applies `events` in order; the first error gets its position as context.
  static replay(events: readonly RosterEvent[]): Roster {
    const r = new Roster();
    events.forEach((e, i) => {
      try {
        r.apply(e);
      } catch (err) {
        if (err instanceof CandorError) throw err.withContext(`roster event ${i}`);
        throw err;
      }
    });
    return r;
  }

  // The latest version (the number of changes applied).
  get version(): bigint {
    return BigInt(this.events.length);
  }

  // Applies one more change; on error the roster is unchanged. Errors: 'invalid argument'
  // (out of sequence, invalid key, missing/zero reply key, reply key on a removal), 'already
  // exists' (adding a present key), 'failed precondition' (re-adding a removed key),
  // 'not found' (removing a key that is not present).
  apply(event: RosterEvent): void {
    const expected = this.version + 1n;
    const at = `version ${event.version}`;
    if (event.version !== expected) {
      throw invalidArgument(`roster ${at} is out of sequence: expected version ${expected}`);
    }
    const id = toHex(event.ringPublic);
    const found = this.index.get(id);
    if (event.change === 'add') {
      if (!isValidPoint(event.ringPublic)) {
        throw invalidArgument(
          `roster ${at}: the ring key ${keyLabel(event.ringPublic)} is not a valid ristretto255 point`,
        );
      }
      const reply = event.replyPublic;
      if (reply === undefined) throw invalidArgument(`roster ${at}: an added member needs a reply key`);
      if (!isValidBoxPublicKey(reply)) {
        throw invalidArgument(`roster ${at}: the reply key is not a valid X25519 key`);
      }
      if (found !== undefined) {
        const m = this.list[found]!;
        if (m.removed === 0n) {
          throw new CandorError(
            'already exists',
            `roster ${at}: the key ${keyLabel(event.ringPublic)} is already a member`,
          );
        }
        throw new CandorError(
          'failed precondition',
          `roster ${at}: the key ${keyLabel(event.ringPublic)} was removed at version ${m.removed} and can never be added again`,
        );
      }
      this.index.set(id, this.list.length);
      this.list.push({ key: event.ringPublic.slice(), reply: reply.slice(), added: event.version, removed: 0n });
      this.sizes.push(this.sizes[this.sizes.length - 1]! + 1);
    } else {
      if (event.replyPublic !== undefined) {
        throw invalidArgument(`roster ${at}: a removal carries no reply key`);
      }
      if (found === undefined || this.list[found]!.removed !== 0n) {
        throw new CandorError(
          'not found',
          `roster ${at}: the key ${keyLabel(event.ringPublic)} is not a member`,
        );
      }
      this.list[found]!.removed = event.version;
      this.sizes.push(this.sizes[this.sizes.length - 1]! - 1);
    }
    this.events.push({ ...event });
  }

  private checkVersion(v: bigint): void {
    if (v < 0n || v > this.version) {
      throw new CandorError(
        'not found',
        `the roster has no version ${v} (latest: ${this.version})`,
      );
    }
  }

  // The keys present after `version` (default: the latest), in order of addition.
  members(version: bigint = this.version): Uint8Array[] {
    this.checkVersion(version);
    const out: Uint8Array[] = [];
    for (const m of this.list) {
      if (m.added > version) break;
      if (m.removed === 0n || m.removed > version) out.push(m.key);
    }
    return out;
  }

  // ring_digest over members(version) (the digest of the empty list for an empty roster).
  digest(version: bigint = this.version): Uint8Array {
    return ringDigestOf(this.members(version));
  }

  size(version: bigint = this.version): number {
    this.checkVersion(version);
    return this.sizes[Number(version)]!;
  }

  contains(key: Uint8Array): boolean {
    const i = this.index.get(toHex(key));
    return i !== undefined && this.list[i]!.removed === 0n;
  }

  replyKey(key: Uint8Array): Uint8Array | undefined {
    const i = this.index.get(toHex(key));
    if (i === undefined || this.list[i]!.removed !== 0n) return undefined;
    return this.list[i]!.reply;
  }
}
