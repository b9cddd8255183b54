// The linkable ring signature `candor-lrs-v1` (CRYPTO.md "Linkable ring signature";
// src/crypto/lrs.h, whose every rule and check order this file follows).
//
// An event-linkable bLSAG: a member of a ring signs a message for an event (a letter id, a
// cable id) without revealing which member signed; two signatures by one key on one event
// carry the same tag I = x·Hp("candor/v1/lrs/tag-base", e).
//
//   const ring = Ring.create(rosterKeys);
//   const sig = lrsSign(event, message, ring, myIndex, mySecret);        // systemRng
//   const wire = encodeLrsSignature(sig);                                  // 32·(n+2) bytes
//   lrsVerify(event, message, ring, decodeLrsSignature(wire, ring.size));  // throws if bad
//
// The anonymity set is exactly the ring: callers enforce a minimum ring size.
// Errors: 'invalid argument' for malformed input (a bad ring, a wrong signature length, a
// non-canonical scalar, an invalid or identity tag), 'verification failed' when the ring
// equations do not close.
import { bytesEqual, compareBytes, toHex, u64le, utf8 } from './bytes.js';
import { invalidArgument, verificationFailed } from './errors.js';
import {
  IDENTITY,
  isCanonicalNonZeroSecret,
  isCanonicalScalar,
  isValidPoint,
  pointAdd,
  publicFromSecret,
  scalarMul,
  scalarMult,
  scalarMultBase,
  scalarSub,
  secretScalarMult,
} from './ristretto.js';
import { systemRng, type Rng } from './rng.js';
import { sodium, wipe } from './sodium.js';
import { hp, reduceWide, sha256, sha512, tr, trBytes } from './transcript.js';

// The scheme name carried next to every signature in Candor's formats.
export const LRS_SCHEME = 'candor-lrs-v1';

const RING_LABEL = 'candor/v1/ring';
const TAG_BASE_LABEL = 'candor/v1/lrs/tag-base';
const CHALLENGE_LABEL = 'candor/v1/lrs/challenge';

// ring_digest = H256("candor/v1/ring", P_0, …, P_{n-1}) over any list of keys (also the
// digest of a roster, which may be empty).
export function ringDigestOf(members: readonly Uint8Array[]): Uint8Array {
  return sha256(trBytes(utf8(RING_LABEL), members));
}

// An ordered list of n ≥ 1 distinct, valid ristretto255 public keys with its digest.
// Only Ring.create makes one, so holding a Ring proves the ring rules were checked.
// Immutable: the members are private copies.
export class Ring {
  readonly members: readonly Uint8Array[];
  // H256("candor/v1/ring", P_0, …, P_{n-1}).
  readonly digest: Uint8Array;
  private readonly index: Map<string, number>;

  private constructor(members: Uint8Array[], index: Map<string, number>, digest: Uint8Array) {
    this.members = members;
    this.index = index;
    this.digest = digest;
  }

  // Validates `members` (Ring::Create). 'invalid argument', naming the offending index, when
  // the list is empty, a member is the identity or not a valid point, or a key repeats.
  static create(members: readonly Uint8Array[]): Ring {
    if (members.length === 0) throw invalidArgument('a ring needs at least one member');
    const copy = members.map((m) => m.slice());
    for (let i = 0; i < copy.length; i++) {
      const m = copy[i]!;
      if (m.length === 32 && bytesEqual(m, IDENTITY)) {
        throw invalidArgument(`ring member ${i} is the identity point`);
      }
      if (!isValidPoint(m)) {
        throw invalidArgument(`ring member ${i} is not a valid ristretto255 point`);
      }
    }
    // Repeats, reported like the C++ core: the first equal neighbours in key order.
    const sorted = copy.map((_, i) => i);
    sorted.sort((a, b) => compareBytes(copy[a]!, copy[b]!) || a - b);
    for (let k = 1; k < sorted.length; k++) {
      if (bytesEqual(copy[sorted[k - 1]!]!, copy[sorted[k]!]!)) {
        throw invalidArgument(`ring member ${sorted[k]} repeats member ${sorted[k - 1]}`);
      }
    }
    const index = new Map<string, number>();
    copy.forEach((m, i) => index.set(toHex(m), i));
    return new Ring(copy, index, ringDigestOf(copy));
  }

  get size(): number {
    return this.members.length;
  }

  // The position of `key` in the ring, or undefined.
  indexOf(key: Uint8Array): number | undefined {
    return this.index.get(toHex(key));
  }
}

// A candor-lrs-v1 signature (c_0, s_0, …, s_{n-1}, I). A plain value: whether the scalars
// are canonical and the tag valid is checked by lrsVerify.
export interface LrsSignature {
  c0: Uint8Array;
  s: Uint8Array[];
  tag: Uint8Array; // I = x·T, the linking tag ("key image")
}

// Wire bytes c0 || s_0 || … || s_{n-1} || I: 32·(n+2) bytes (CRYPTO.md step 5).
export function encodeLrsSignature(sig: LrsSignature): Uint8Array {
  const out = new Uint8Array(32 * (sig.s.length + 2));
  out.set(sig.c0, 0);
  sig.s.forEach((si, i) => out.set(si, 32 * (i + 1)));
  out.set(sig.tag, 32 * (sig.s.length + 1));
  return out;
}

// Splits wire bytes for a ring of `ringSize` members. 'invalid argument' unless ringSize ≥ 1
// and the length is exactly 32·(ringSize+2). Checks nothing else.
export function decodeLrsSignature(bytes: Uint8Array, ringSize: number): LrsSignature {
  if (!Number.isSafeInteger(ringSize) || ringSize < 1) {
    throw invalidArgument('a candor-lrs-v1 signature needs a ring of n >= 1');
  }
  const expected = 32 * (ringSize + 2);
  if (bytes.length !== expected) {
    throw invalidArgument(
      `a candor-lrs-v1 signature for a ring of ${ringSize} members is ${expected} bytes, got ` +
        `${bytes.length}${bytes.length < expected ? ' (truncated)' : ' (over-long)'}`,
    );
  }
  const s: Uint8Array[] = [];
  for (let i = 0; i < ringSize; i++) s.push(bytes.slice(32 * (i + 1), 32 * (i + 2)));
  return { c0: bytes.slice(0, 32), s, tag: bytes.slice(32 * (ringSize + 1)) };
}

// T = Hp("candor/v1/lrs/tag-base", e): the event's tag base.
export function lrsTagBase(event: Uint8Array): Uint8Array {
  return hp(TAG_BASE_LABEL, event);
}

// c(L, R) = Hs("candor/v1/lrs/challenge", D, e, I, m, L, R). The transcript up to m is the
// same for every ring member, so it is encoded once and L, R are written into its tail.
class ChallengeHasher {
  private readonly buf: Uint8Array;
  private readonly lAt: number;

  constructor(ringDigest: Uint8Array, event: Uint8Array, tag: Uint8Array, message: Uint8Array) {
    const prefix = trBytes(utf8(CHALLENGE_LABEL), [ringDigest, event, tag, message]);
    this.buf = new Uint8Array(prefix.length + 80);
    this.buf.set(prefix);
    this.lAt = prefix.length;
    this.buf.set(u64le(32), this.lAt);
    this.buf.set(u64le(32), this.lAt + 40);
  }

  challenge(l: Uint8Array, r: Uint8Array): Uint8Array {
    this.buf.set(l, this.lAt + 8);
    this.buf.set(r, this.lAt + 48);
    return reduceWide(sodium().crypto_hash_sha512(this.buf));
  }
}

// One step around the ring with public values: L_i = s_i·G + c_i·P_i, R_i = s_i·T + c_i·I,
// returns c_{i+1}. An intermediate identity (adversarial input only) is hashed as zeros.
function nextChallenge(
  h: ChallengeHasher,
  si: Uint8Array,
  ci: Uint8Array,
  pi: Uint8Array,
  tagBase: Uint8Array,
  tag: Uint8Array,
): Uint8Array {
  const l = pointAdd(scalarMultBase(si), scalarMult(ci, pi));
  const r = pointAdd(scalarMult(si, tagBase), scalarMult(ci, tag));
  return h.challenge(l, r);
}

// Signs `message` for `event` as ring member `signerIndex`, whose secret is `x`.
// Randomness: r, then s_i for every i ≠ π in increasing i, each rng.randomScalar() (so a
// SeededRng reproduces the C++ core's signature exactly); the nonce is hedged as in the C++
// core, α = Hs("candor/v1/lrs/alpha", r, x, D, e, m), so that a broken RNG cannot make two
// signatures share α. r, α and c_π·x are wiped.
// 'invalid argument' if signerIndex is out of range, x is not a canonical non-zero scalar, or
// the ring's member signerIndex is not x·G.
export function lrsSign(
  event: Uint8Array,
  message: Uint8Array,
  ring: Ring,
  signerIndex: number,
  x: Uint8Array,
  rng: Rng = systemRng,
): LrsSignature {
  if (event.length !== 32) throw invalidArgument('the event id must be 32 bytes');
  const n = ring.size;
  const pi = signerIndex;
  if (!Number.isSafeInteger(pi) || pi < 0 || pi >= n) {
    throw invalidArgument(`signer index ${pi} is out of range for a ring of ${n} members`);
  }
  if (!isCanonicalNonZeroSecret(x)) {
    throw invalidArgument('the ring secret is not a canonical non-zero scalar');
  }
  if (!bytesEqual(publicFromSecret(x), ring.members[pi]!)) {
    throw invalidArgument(`the ring secret does not match ring member ${pi}`);
  }

  const tagBase = lrsTagBase(event);
  const tag = secretScalarMult(x, tagBase);
  const s: Uint8Array[] = new Array<Uint8Array>(n);
  const h = new ChallengeHasher(ring.digest, event, tag, message);

  // Step 1: r, then s_i for i ≠ π in increasing i (the documented order of draws); α hedged.
  const r = rng.randomScalar();
  // Hs(…) spelled out so that the transcript and the wide hash, which hold the secret, are wiped.
  const transcript = tr('candor/v1/lrs/alpha', r, x, ring.digest, event, message);
  const wide = sha512(transcript);
  const alpha = reduceWide(wide);
  wipe(r, transcript, wide);
  for (let i = 0; i < n; i++) if (i !== pi) s[i] = rng.randomScalar();

  let c0: Uint8Array | null = null;
  try {
    // Step 2: c_{π+1} = c(α·G, α·T).
    let c = h.challenge(publicFromSecret(alpha), secretScalarMult(alpha, tagBase));
    let i = (pi + 1) % n;
    if (i === 0) c0 = c;
    // Step 3: around the ring from π+1 to π−1; afterwards c = c_π.
    while (i !== pi) {
      c = nextChallenge(h, s[i]!, c, ring.members[i]!, tagBase, tag);
      i = (i + 1) % n;
      if (i === 0) c0 = c;
    }
    // Step 4: s_π = α − c_π·x closes the ring.
    const cx = scalarMul(c, x);
    s[pi] = scalarSub(alpha, cx);
    wipe(cx);
  } finally {
    wipe(alpha);
  }
  if (c0 === null) throw new Error('lrsSign: c0 was never set'); // unreachable
  return { c0, s, tag };
}

// Verifies `sig` on `message` for `event` over `ring` (CRYPTO.md "Verify"). Returns nothing;
// throws 'invalid argument' for a malformed signature (wrong count, non-canonical scalar,
// invalid or identity tag) and 'verification failed' when the ring equations do not close.
// Cost per member: 4 scalar multiplications and one SHA-512.
export function lrsVerify(
  event: Uint8Array,
  message: Uint8Array,
  ring: Ring,
  sig: LrsSignature,
): void {
  if (event.length !== 32) throw invalidArgument('the event id must be 32 bytes');
  const n = ring.size;
  if (sig.s.length !== n) {
    throw invalidArgument(
      `candor-lrs-v1: the signature has ${sig.s.length} responses for a ring of ${n} members`,
    );
  }
  if (sig.tag.length === 32 && bytesEqual(sig.tag, IDENTITY)) {
    throw invalidArgument('candor-lrs-v1: the tag is the identity point');
  }
  if (!isValidPoint(sig.tag)) {
    throw invalidArgument('candor-lrs-v1: the tag is not a valid ristretto255 point');
  }
  if (!isCanonicalScalar(sig.c0)) {
    throw invalidArgument('candor-lrs-v1: c0 is not a canonical scalar');
  }
  for (let i = 0; i < n; i++) {
    if (!isCanonicalScalar(sig.s[i]!)) {
      throw invalidArgument(`candor-lrs-v1: response s_${i} is not a canonical scalar`);
    }
  }
  const tagBase = lrsTagBase(event);
  const h = new ChallengeHasher(ring.digest, event, sig.tag, message);
  let c = sig.c0;
  for (let i = 0; i < n; i++) {
    c = nextChallenge(h, sig.s[i]!, c, ring.members[i]!, tagBase, sig.tag);
  }
  if (!bytesEqual(c, sig.c0)) {
    throw verificationFailed('candor-lrs-v1: the ring equations do not close (c_n != c_0)');
  }
}

// True iff `a` and `b` carry the same tag (same key). Meaningful only for two verified
// signatures on the same event.
export function lrsLinked(a: LrsSignature, b: LrsSignature): boolean {
  return bytesEqual(a.tag, b.tag);
}
