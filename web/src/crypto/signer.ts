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
// letterRingsFromBundle reads the reply with the bundle codec and runs phases 1 to 5 of the
// bundle verifier (letterRingsOf in bundle.ts, domain::LetterRingsFromBundle in C++): the tree
// head's signature (against expectedLogKey when given), every entry's inclusion proof, the
// letter's entry, each named organization's roster up to the pinned version: the whole roster
// is the candor-lrs-v2 ring, and the bucket rule splits it into the candor-lrs-v1 rings.
// Errors: 'corrupt data' ("the server sent …") for a malformed reply, 'verification failed'
// for a failed check, as the command line reports them.
import { letterBundleFromJson, letterRingsOf, type LetterBundle } from './bundle.js';
import { bytesEqual } from './bytes.js';
import { CandorError, verificationFailed } from './errors.js';
import type { JsonValue } from './json.js';
import { DEFAULT_MIN_RING_SIZE, publishProofEvent, publishProofMessage, type Letter } from './letter.js';
import type { RingScheme } from './cosignature.js';
import { encodeLrsSignature, lrsSign, Ring } from './lrs.js';
import { LRS2_SCHEME } from './lrs2.js';
import { systemRng, type Rng } from './rng.js';
import type { SignedTreeHead } from './tree_head.js';

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

// The letter and its eligible rings, rebuilt from the logged entries of a bundle (the server's
// `/bundle?signatures=0` reply, or a whole bundle), read by the bundle codec and checked by
// letterRingsOf (phases 1 to 5 of verifyLetterBundle). `letterId`, when given, must be the
// bundle's.
export function letterRingsFromBundle(
  input: JsonValue | string | Uint8Array,
  options: { letterId?: Uint8Array; expectedLogKey?: Uint8Array; maxRing?: number } = {},
): LetterRings {
  let bundle: LetterBundle;
  try {
    bundle = letterBundleFromJson(input);
  } catch (e) {
    if (e instanceof CandorError && e.code === 'invalid argument') {
      throw bad(`a letter bundle that does not parse: ${e.message}`);
    }
    throw e;
  }
  if (options.letterId !== undefined && !bytesEqual(options.letterId, bundle.letterId)) {
    throw verificationFailed("the server sent another letter's bundle");
  }
  const { letter, orgs } = letterRingsOf(bundle, {
    ...(options.expectedLogKey === undefined ? {} : { expectedLogKey: options.expectedLogKey }),
    ...(options.maxRing === undefined ? {} : { maxRing: options.maxRing }),
    minRing: 1, // the signer applies its own minimum to the ring it uses (findSignerRing)
  });
  return { letterId: bundle.letterId, letter, orgs, logKey: bundle.logPublicKey, treeHead: bundle.treeHead };
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
