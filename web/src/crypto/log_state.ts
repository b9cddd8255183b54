// The log state (docs/PROTOCOL.md "Log state"; src/domain/log_state.h): what the entries of the
// log before a `log-state` entry hold, as a sorted list of leaves whose RFC 9162 Merkle tree
// hash that entry carries — for every letter its last batch number, for every organization its
// latest roster, reviewer and epoch versions. An inclusion proof shows that an entry is in the
// log, not that nothing else is; a leaf of the committed state, proven against its root, shows
// a client that a bundle or an organization state leaves nothing out up to that point.
//
//   const leaf = verifyStateLeaf(logStateEvent, stateLeafProofFromJson(j, 'state leaf 0'));
//   if (leaf.kind === 'letter') leaf.lastBatch  // the letter's latest batch at the checkpoint
//
// A client cannot check that the list holds one leaf per key or that the values are true; a full
// audit replays the log and recomputes every committed state (LogState.replay, as the C++
// LogState::Replay of `candor audit --full`), so a server that commits to a false state signs
// that lie into its log.
//
// Plain values and pure functions. Errors are CandorErrors: 'invalid argument' for bytes or
// JSON without the right shape, 'verification failed' for a proof that does not check.
import { bytesEqual, compareBytes, fixedFromBytes, fixedFromHex, readU64le, toHex, u64le, utf8 } from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import { bytesFromHexField, field, onlyFields, u64Field, type JsonInput, type JsonValue } from './json.js';
import { computeLetterId } from './letter.js';
import type { LogEvent, LogStateEvent } from './log_entry.js';
import { emptyRoot, hashChildren, hashLeaf, verifyInclusion, type Hash } from './merkle.js';
import { validateOrganizationSlugBytes } from './policy.js';
import { splitTranscript, trBytes } from './transcript.js';

export const LOG_STATE_LEAF_LABEL = 'candor/v1/log-state-leaf';

// An RFC 9162 inclusion path in a tree of at most 2^64 - 1 leaves has at most 64 hashes;
// refusing longer lists while parsing bounds the memory a hostile answer can make us use.
export const MAX_PROOF_HASHES = 64;

const LETTER_KIND = utf8('letter');
const ORGANIZATION_KIND = utf8('organization');

// A letter's leaf: the number of its latest `signature-batch` entry (0: none yet).
// Bytes: tr("candor/v1/log-state-leaf", "letter", letter id, u64le(last_batch)).
export interface LetterStateLeaf {
  kind: 'letter';
  letter: Uint8Array; // letter id, 32 bytes
  lastBatch: bigint;
}

// An organization's leaf: the versions of its latest `roster-add`/`roster-remove`, of its latest
// `reviewer`/`reviewer-removed`, and the roster version its latest `roster-epoch` names (each 0:
// none). Bytes: tr("candor/v1/log-state-leaf", "organization", slug, u64le(roster_version),
// u64le(reviewer_version), u64le(epoch_version)).
export interface OrgStateLeaf {
  kind: 'organization';
  slug: string;
  rosterVersion: bigint;
  reviewerVersion: bigint;
  epochVersion: bigint;
}

export type StateLeaf = LetterStateLeaf | OrgStateLeaf;

// One leaf with its RFC 9162 inclusion path in the state's tree of `leaves` leaves.
export interface StateLeafProof {
  leaf: Uint8Array; // the leaf's bytes (decodeStateLeaf)
  position: bigint;
  proof: Uint8Array[];
}

const label = utf8(LOG_STATE_LEAF_LABEL);

// The leaf's bytes. REQUIRES: a 32-byte letter id, or a valid slug.
export function encodeStateLeaf(leaf: StateLeaf): Uint8Array {
  if (leaf.kind === 'letter') return trBytes(label, [LETTER_KIND, leaf.letter, u64le(leaf.lastBatch)]);
  return trBytes(label, [
    ORGANIZATION_KIND,
    utf8(leaf.slug),
    u64le(leaf.rosterVersion),
    u64le(leaf.reviewerVersion),
    u64le(leaf.epochVersion),
  ]);
}

function leafNumber(b: Uint8Array): bigint {
  if (b.length !== 8) throw invalidArgument("a log state leaf's number must be 8 bytes");
  return readU64le(b);
}

// Decodes leaf bytes strictly (DecodeStateLeaf): the label, a known kind with its number of
// fields, a 32-byte letter id or a valid slug, 8-byte numbers, nothing after the last field —
// exactly the bytes encodeStateLeaf writes. 'invalid argument' otherwise; safe on any input.
export function decodeStateLeaf(bytes: Uint8Array): StateLeaf {
  const parts = splitTranscript(bytes, 6);
  if (parts.length < 2 || !bytesEqual(parts[0]!, label)) throw invalidArgument('not a log state leaf');
  const kind = parts[1]!;
  let leaf: StateLeaf;
  if (bytesEqual(kind, LETTER_KIND) && parts.length === 4) {
    const letter = fixedFromBytes(parts[2]!, 32, "a log state leaf's letter id");
    leaf = { kind: 'letter', letter, lastBatch: leafNumber(parts[3]!) };
  } else if (bytesEqual(kind, ORGANIZATION_KIND) && parts.length === 6) {
    const slug = parts[2]!;
    try {
      validateOrganizationSlugBytes(slug);
    } catch (e) {
      if (e instanceof CandorError) throw invalidArgument(`a log state leaf: ${e.message}`);
      throw e;
    }
    leaf = {
      kind: 'organization',
      slug: String.fromCharCode(...slug), // ASCII: the slug rule allows nothing else
      rosterVersion: leafNumber(parts[3]!),
      reviewerVersion: leafNumber(parts[4]!),
      epochVersion: leafNumber(parts[5]!),
    };
  } else {
    throw invalidArgument('not a log state leaf of a known kind');
  }
  if (!bytesEqual(encodeStateLeaf(leaf), bytes)) throw invalidArgument('a log state leaf is not in canonical form');
  return leaf;
}

// The RFC 9162 Merkle tree hash MTH of `leaves` (as leaf bytes, in order).
export function stateRoot(leaves: readonly Uint8Array[]): Hash {
  const hashes = leaves.map(hashLeaf);
  const mth = (lo: number, hi: number): Hash => {
    const n = hi - lo;
    if (n === 0) return emptyRoot();
    if (n === 1) return hashes[lo]!;
    let k = 1;
    while (k * 2 < n) k *= 2; // the largest power of two below n
    return hashChildren(mth(lo, lo + k), mth(lo + k, hi));
  };
  return mth(0, hashes.length);
}

// The leaf `proof` carries, once its inclusion path checks against `state`'s root and leaf count
// (VerifyStateLeaf). 'verification failed' when it does not; 'invalid argument' when the leaf
// does not decode.
export function verifyStateLeaf(state: LogStateEvent, proof: StateLeafProof): StateLeaf {
  try {
    verifyInclusion(proof.position, state.leaves, hashLeaf(proof.leaf), proof.proof, state.root);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw verificationFailed(`a leaf's proof does not check against the log state: ${e.message}`);
  }
  return decodeStateLeaf(proof.leaf);
}

// --- JSON ---

// An inclusion path, {"proof": [hex…]} of `what`: a list of at most MAX_PROOF_HASHES hashes of
// 64 hex characters each (ProofFromJson of src/domain/bundle.cc; bundle entries use it too).
export function proofFromJson(proof: JsonValue, what: string): Uint8Array[] {
  if (!Array.isArray(proof)) throw invalidArgument(`'proof' in ${what} must be a list of hashes`);
  if (proof.length > MAX_PROOF_HASHES) {
    throw invalidArgument(
      `'proof' in ${what} has ${proof.length} hashes; a proof has at most ${MAX_PROOF_HASHES}`,
    );
  }
  return proof.map((h, k) => {
    const name = `proof hash ${k}`;
    if (typeof h !== 'string') throw invalidArgument(`${name} in ${what} must be a string`);
    try {
      return fixedFromHex(h, 32, name);
    } catch (e) {
      if (e instanceof CandorError) throw e.withContext(what);
      throw e;
    }
  });
}

// {"leaf": hex, "position": n, "proof": [hex…]}, exactly those members (StateLeafProofFromJson);
// `what` names it in errors ("state leaf 2"). Checks nothing cryptographic.
export function stateLeafProofFromJson(j: JsonValue, what: string): StateLeafProof {
  const o = onlyFields(j, what, ['leaf', 'position', 'proof']);
  const leaf = bytesFromHexField(o, what, 'leaf');
  const position = u64Field(o, what, 'position');
  const proof = proofFromJson(field(o, what, 'proof'), what);
  return { leaf, position, proof };
}

export function stateLeafProofToJson(p: StateLeafProof): JsonInput {
  return { leaf: toHex(p.leaf), position: p.position, proof: p.proof.map(toHex) };
}

// --- replaying a log ---

// The state of a log after some of its entries (LogState): one leaf per letter and per
// organization, sorted by their bytes. Leaves of one key share their first bytes (the key is
// length-prefixed), so sorting by bytes sorts by key.
export class LogState {
  private readonly letters = new Map<string, { letter: Uint8Array; lastBatch: bigint }>(); // by id hex
  private readonly orgs = new Map<string, OrgStateLeaf>();

  // Takes in entry `index` of the log (every entry, in order, from 0). A `log-state` entry is
  // checked against the state of the entries before it: 'verification failed' when it does not
  // commit to exactly that state, or names another size than its own index.
  replay(index: bigint, event: LogEvent): void {
    const org = (slug: string): OrgStateLeaf => {
      let o = this.orgs.get(slug);
      if (o === undefined) {
        o = { kind: 'organization', slug, rosterVersion: 0n, reviewerVersion: 0n, epochVersion: 0n };
        this.orgs.set(slug, o);
      }
      return o;
    };
    switch (event.kind) {
      case 'organization-created':
        org(event.slug);
        break;
      case 'roster-add':
      case 'roster-remove':
        org(event.slug).rosterVersion = event.version;
        break;
      case 'reviewer':
      case 'reviewer-removed':
        org(event.slug).reviewerVersion = event.version;
        break;
      case 'roster-epoch':
        org(event.slug).epochVersion = event.version;
        break;
      case 'letter': {
        const id = computeLetterId(event.letter);
        if (!this.letters.has(toHex(id))) this.letters.set(toHex(id), { letter: id, lastBatch: 0n });
        break;
      }
      case 'signature-batch':
        this.setLetter(event.letter, event.batch);
        break;
      case 'log-state': {
        const want = this.commit(index);
        if (event.size !== want.size || event.leaves !== want.leaves || !bytesEqual(event.root, want.root)) {
          throw verificationFailed(
            `log entry ${index} (log-state) does not commit to what the log holds before it: a full replay gives ` +
              `${this.letters.size} letters and ${this.orgs.size} organizations with another root`,
          );
        }
        break;
      }
      default:
        break; // reviewer keys, co-signatures, settings, cables and releases count for nothing
    }
  }

  setLetter(letter: Uint8Array, lastBatch: bigint): void {
    this.letters.set(toHex(letter), { letter: letter.slice(), lastBatch });
  }

  setOrganization(leaf: OrgStateLeaf): void {
    this.orgs.set(leaf.slug, { ...leaf });
  }

  // The leaves, sorted by their bytes.
  leaves(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const l of this.letters.values()) out.push(encodeStateLeaf({ kind: 'letter', ...l }));
    for (const o of this.orgs.values()) out.push(encodeStateLeaf(o));
    return out.sort(compareBytes);
  }

  // The `log-state` entry that commits to this state, logged at index `size`.
  commit(size: bigint): LogStateEvent {
    const leaves = this.leaves();
    return { kind: 'log-state', size, leaves: BigInt(leaves.length), root: stateRoot(leaves) };
  }

  get letterCount(): number {
    return this.letters.size;
  }

  get organizationCount(): number {
    return this.orgs.size;
  }
}
