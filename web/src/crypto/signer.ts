// What a member's browser does to co-sign a letter, exactly as `candor letter sign`
// (src/cli/cmd_letter.cc, FetchLetterRings and RunLetterSign) does it: never trust the
// server's word about the ring.
//
//   const bundle = await (await fetch(`/api/v1/letters/${id}/bundle?signatures=0`)).arrayBuffer();
//   const rings = letterRingsFromBundle(new Uint8Array(bundle), { expectedLogKey });
//   const mine = findSignerRing(rings, keys.ring.publicKey);   // tell the member mine.ring.size
//   const sig = signLetterV2(rings.letterId, 'sign', mine.ring, mine.index, keys.ring.secret);
//   body = { organization: mine.org, signature: coSignatureToJson(sig) }
//
// letterRingsFromBundle checks the tree head's signature (against expectedLogKey when given),
// every entry's inclusion proof, finds the letter's entry, replays each named organization's
// roster up to the pinned version: the whole roster is the candor-lrs-v2 ring, and the
// bucket rule splits it into the candor-lrs-v1 rings. Errors:
// 'corrupt data' ("the server sent …") for a malformed reply, 'verification failed' for a
// failed check, as the command line reports them.
import { bytesEqual, fixedFromHex, fromHex, toHex } from './bytes.js';
import { CandorError, verificationFailed } from './errors.js';
import { isObject, isUnsigned, parseJson, type JsonValue } from './json.js';
import {
  bucketRoster,
  computeLetterId,
  DEFAULT_MIN_RING_SIZE,
  MAX_RING_SIZE,
  publishProofEvent,
  publishProofMessage,
  type Letter,
} from './letter.js';
import { decodeLogEntry, toRosterEvent, type LetterEvent } from './log_entry.js';
import type { RingScheme } from './cosignature.js';
import { encodeLrsSignature, lrsSign, Ring } from './lrs.js';
import { LRS2_SCHEME } from './lrs2.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { systemRng, type Rng } from './rng.js';
import { Roster, type RosterEvent } from './roster.js';
import { verifySignedTreeHead, type SignedTreeHead } from './tree_head.js';

export interface LetterRingsOrg {
  slug: string;
  version: bigint; // the pinned roster version
  rings: Ring[]; // candor-lrs-v1: by the bucket rule, in bucket order
  members: Uint8Array[]; // candor-lrs-v2: the whole roster, in roster order
}

export interface LetterRings {
  letterId: Uint8Array;
  letter: Letter;
  orgs: LetterRingsOrg[]; // the letter's order
  logKey: Uint8Array;
  treeHead: SignedTreeHead;
}

function bad(what: string): CandorError {
  return new CandorError('corrupt data', `the server sent ${what}`);
}

function strField(j: JsonValue | undefined, f: string): string {
  const v = isObject(j) ? j.get(f) : undefined;
  if (typeof v !== 'string') throw bad(`a reply without '${f}'`);
  return v;
}

function tryHex(hex: string, size: number): Uint8Array | null {
  try {
    return fixedFromHex(hex, size);
  } catch {
    return null;
  }
}

// The letter and its eligible rings, rebuilt from the logged entries of a bundle (the server's
// `/bundle?signatures=0` reply, or a whole bundle). `letterId` defaults to the bundle's own.
export function letterRingsFromBundle(
  input: JsonValue | string | Uint8Array,
  options: { letterId?: Uint8Array; expectedLogKey?: Uint8Array; maxRing?: number } = {},
): LetterRings {
  let b: JsonValue;
  try {
    b = typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
  } catch {
    throw bad('a reply that is not JSON');
  }
  const keyHex = strField(b, 'log_public_key');
  const logKey = tryHex(keyHex, 32);
  if (logKey === null) throw bad('a malformed log key');
  if (options.expectedLogKey && !bytesEqual(options.expectedLogKey, logKey)) {
    throw verificationFailed(
      `the server's log key is ${keyHex}, not the one you gave (${toHex(options.expectedLogKey)})`,
    );
  }
  let letterId = options.letterId;
  if (letterId === undefined) {
    const id = tryHex(strField(b, 'letter_id'), 32);
    if (id === null) throw bad('a malformed letter id');
    letterId = id;
  }
  const th = isObject(b) ? b.get('tree_head') : undefined;
  if (!isObject(th) || !isUnsigned(th.get('tree_size')) || !isUnsigned(th.get('timestamp_ms'))) {
    throw bad('a bundle without a valid tree head');
  }
  const root = tryHex(strField(th, 'root'), 32);
  const signature = tryHex(strField(th, 'signature'), 64);
  if (root === null || signature === null) throw bad('a malformed tree head');
  const treeHead: SignedTreeHead = {
    head: {
      size: (th.get('tree_size') as { integer: bigint }).integer,
      root,
      timestampMs: (th.get('timestamp_ms') as { integer: bigint }).integer,
    },
    signature,
  };
  try {
    verifySignedTreeHead(treeHead, logKey);
  } catch {
    throw verificationFailed("the log's tree head is not signed by its log key");
  }
  const entries = isObject(b) ? b.get('entries') : undefined;
  if (!Array.isArray(entries)) throw bad('a bundle without entries');
  let letterEvent: LetterEvent | undefined;
  const rosterEvents = new Map<string, RosterEvent[]>();
  for (const e of entries) {
    const indexJson = isObject(e) ? e.get('index') : undefined;
    if (!isObject(e) || !isUnsigned(indexJson)) throw bad('a malformed entry');
    const index = indexJson.integer!;
    const entryHex = strField(e, 'entry');
    let entry: Uint8Array;
    try {
      entry = fromHex(entryHex);
    } catch {
      throw bad('a malformed entry');
    }
    const proofJson = e.get('proof');
    if (!Array.isArray(proofJson)) throw bad('a malformed entry');
    const proof = proofJson.map((h) => {
      const hash = typeof h === 'string' ? tryHex(h, 32) : null;
      if (hash === null) throw bad('a malformed proof');
      return hash;
    });
    try {
      verifyInclusion(index, treeHead.head.size, hashLeaf(entry), proof, treeHead.head.root);
    } catch {
      throw verificationFailed(`log entry ${index} is not in the signed log`);
    }
    let event;
    try {
      event = decodeLogEntry(entry);
    } catch {
      throw bad(`log entry ${index} that does not decode`);
    }
    if (event.kind === 'letter') {
      if (!bytesEqual(computeLetterId(event.letter), letterId)) continue;
      letterEvent = event;
    } else if (event.kind === 'roster-add' || event.kind === 'roster-remove') {
      const list = rosterEvents.get(event.slug) ?? [];
      list.push(toRosterEvent(event));
      rosterEvents.set(event.slug, list);
    }
  }
  if (letterEvent === undefined) throw verificationFailed('the log does not hold this letter');
  const orgs: LetterRingsOrg[] = letterEvent.letter.organizations.map((slug, i) => {
    const version = letterEvent.rosterVersions[i]!;
    const events = [...(rosterEvents.get(slug) ?? [])].sort((x, y) =>
      x.version < y.version ? -1 : x.version > y.version ? 1 : 0,
    );
    let roster: Roster | null = null;
    try {
      roster = Roster.replay(events);
    } catch {
      roster = null;
    }
    if (roster === null || roster.version !== version) {
      throw verificationFailed(
        `the log entries of '${slug}''s roster up to version ${version} are incomplete or inconsistent`,
      );
    }
    const rings = bucketRoster(roster.members(), options.maxRing ?? MAX_RING_SIZE).map((bucket) =>
      Ring.create(bucket),
    );
    return { slug, version, rings, members: roster.members() };
  });
  return { letterId, letter: letterEvent.letter, orgs, logKey, treeHead };
}

export interface SignerRing {
  org: string; // the organization the signature is made for
  rosterVersion: bigint;
  // The signer's anonymity set: tell the member its size before signing. candor-lrs-v2: the
  // whole roster; v1: the bucket that holds the key.
  ring: Ring;
  index: number; // the signer's position in the ring
  scheme: RingScheme;
}

// The ring to sign in: by default (candor-lrs-v2) the whole roster of the first organization
// (in the letter's order) that lists `ringPublic`; with scheme v1, the bucket that holds it.
// Optionally only within organization `org`. Errors: 'not found' when the key is in none
// ("only members enrolled before it was published may sign it"); 'failed precondition' when
// that ring is smaller than minRing (default 20): nothing must be sent.
// Each organization's whole-roster ring, made once per fetched roster (≈ 1 s at 10^5 keys).
const wholeRings = new WeakMap<LetterRingsOrg, Ring>();
function wholeRing(org: LetterRingsOrg): Ring {
  let ring = wholeRings.get(org);
  if (ring === undefined) {
    ring = Ring.create(org.members);
    wholeRings.set(org, ring);
  }
  return ring;
}

export function findSignerRing(
  rings: LetterRings,
  ringPublic: Uint8Array,
  options: { org?: string; minRing?: number; scheme?: RingScheme } = {},
): SignerRing {
  const minRing = options.minRing ?? DEFAULT_MIN_RING_SIZE;
  const scheme = options.scheme ?? LRS2_SCHEME;
  for (const candidate of rings.orgs) {
    if (options.org !== undefined && candidate.slug !== options.org) continue;
    const lists = candidate.members.some((m) => bytesEqual(m, ringPublic));
    const choices = scheme === LRS2_SCHEME ? (lists ? [wholeRing(candidate)] : []) : candidate.rings;
    for (const ring of choices) {
      const index = ring.indexOf(ringPublic);
      if (index === undefined) continue;
      if (ring.size < minRing) {
        throw new CandorError(
          'failed precondition',
          `your ring has ${ring.size} members; signing within fewer than ${minRing} could single you out, so nothing was sent`,
        );
      }
      return { org: candidate.slug, rosterVersion: candidate.version, ring, index, scheme };
    }
  }
  throw new CandorError(
    'not found',
    'your key is not among the members this letter is open to (only members enrolled before it was published may sign it)',
  );
}

// The membership proof of a member who publishes a letter (`candor letter publish`): a
// candor-lrs-v1 signature over `ring` (the bucket of the organization's current roster that
// holds the member) with event H256("candor/v1/letter/publish", id) and message
// tr("candor/v1/letter/publish-statement", id). Returns the wire bytes.
export function signPublishProof(
  letterId: Uint8Array,
  ring: Ring,
  signerIndex: number,
  secret: Uint8Array,
  rng: Rng = systemRng,
): Uint8Array {
  return encodeLrsSignature(
    lrsSign(publishProofEvent(letterId), publishProofMessage(letterId), ring, signerIndex, secret, rng),
  );
}
