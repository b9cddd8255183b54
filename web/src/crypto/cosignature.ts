// Co-signatures on letters, and the JSON forms of rings and co-signatures that the command
// line, the server and the browser exchange (docs/PROTOCOL.md "Rings", "Co-signatures";
// src/domain/cosignature.h).
//
//   {"scheme":"candor-ring-v1","members":[hex…],"digest":hex}
//   {"scheme":"candor-lrs-v1","letter":hex,"action":"sign"|"withdraw","ring_digest":hex,
//    "signature":hex}
//
// A co-signature is a linkable ring signature with event = letter id and message = the letter
// statement: candor-lrs-v1 over one bucket of the roster, or candor-lrs-v2 over the whole
// roster (docs/LRS-V2.md). Both give one key the same tag on one letter.
import { bytesEqual, fixedFromHex, toHex } from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import {
  bytesFromHexField,
  dumpJson,
  hexField,
  onlyFields,
  optionalField,
  optionalHexField,
  optionalStringField,
  parseJson,
  stringField,
  type JsonValue,
} from './json.js';
import { letterStatement, parseSignatureAction, type SignatureAction } from './letter.js';
import {
  decodeLrsSignature,
  encodeLrsSignature,
  LRS_SCHEME,
  lrsSign,
  lrsVerify,
  Ring,
} from './lrs.js';
import {
  decodeLrs2Signature,
  encodeLrs2Signature,
  LRS2_SCHEME,
  lrs2SignBegin,
  lrs2SumOfProducts,
  lrs2Verify,
  lrs2VerifyBatch,
} from './lrs2.js';
import { systemRng, type Rng } from './rng.js';

// Which ring signature: 'candor-lrs-v1' (a bucket) or 'candor-lrs-v2' (the whole roster).
export type RingScheme = typeof LRS_SCHEME | typeof LRS2_SCHEME;

export function parseRingScheme(name: string): RingScheme {
  if (name === LRS_SCHEME || name === LRS2_SCHEME) return name;
  throw invalidArgument(`unknown signature scheme '${name.slice(0, 64)}'`);
}

export const RING_SCHEME = 'candor-ring-v1';

// A ring signature on a letter as it travels; the signature stays encoded because its length
// depends on the ring it claims.
export interface CoSignature {
  letter: Uint8Array; // letter id
  action: SignatureAction;
  ringDigest: Uint8Array;
  signature: Uint8Array; // v1: c0 || s_0..s_{n-1} || I; v2: docs/LRS-V2.md
  scheme?: RingScheme; // absent: candor-lrs-v1
}

function asJson(input: JsonValue | string | Uint8Array): JsonValue {
  return typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
}

export function ringToJson(ring: Ring): { scheme: string; members: string[]; digest: string } {
  return { scheme: RING_SCHEME, members: ring.members.map(toHex), digest: toHex(ring.digest) };
}

// Accepts {"members":[hex…]} and, if present, checks "scheme" and "digest" (RingFromJson).
export function ringFromJson(input: JsonValue | string | Uint8Array): Ring {
  const what = 'the ring';
  const j = onlyFields(asJson(input), what, ['scheme', 'members', 'digest']);
  const scheme = optionalStringField(j, what, 'scheme');
  if (scheme !== undefined && scheme !== RING_SCHEME) throw invalidArgument(`unknown ring scheme '${scheme}'`);
  const members = optionalField(j, 'members');
  if (!Array.isArray(members)) {
    throw invalidArgument("a ring needs a 'members' array of hex public keys");
  }
  const keys = members.map((m, i) => {
    if (typeof m !== 'string') throw invalidArgument(`ring member ${i} is not a string`);
    return fixedFromHex(m, 32, `ring member ${i}`);
  });
  const ring = Ring.create(keys);
  const digest = optionalHexField(j, what, 'digest', 32);
  if (digest !== undefined) {
    if (!bytesEqual(digest, ring.digest)) {
      throw invalidArgument("the ring's 'digest' does not match its members");
    }
  }
  return ring;
}

export function coSignatureToJson(sig: CoSignature): {
  scheme: string;
  letter: string;
  action: SignatureAction;
  ring_digest: string;
  signature: string;
} {
  return {
    scheme: sig.scheme ?? LRS_SCHEME,
    letter: toHex(sig.letter),
    action: sig.action,
    ring_digest: toHex(sig.ringDigest),
    signature: toHex(sig.signature),
  };
}

// The text `candor sign` writes: dump(2) and a newline.
export function coSignatureToJsonText(sig: CoSignature): string {
  return dumpJson(coSignatureToJson(sig), 2) + '\n';
}

// Strict reader (CoSignatureFromJson): all five fields, nothing else, well-formed hex.
export function coSignatureFromJson(input: JsonValue | string | Uint8Array): CoSignature {
  const what = 'the co-signature';
  const j = onlyFields(asJson(input), what, ['scheme', 'letter', 'action', 'ring_digest', 'signature']);
  const scheme = parseRingScheme(stringField(j, what, 'scheme'));
  const letter = hexField(j, what, 'letter', 32);
  const action = parseSignatureAction(stringField(j, what, 'action'));
  const ringDigest = hexField(j, what, 'ring_digest', 32);
  const signature = bytesFromHexField(j, what, 'signature');
  return scheme === LRS2_SCHEME
    ? { letter, action, ringDigest, signature, scheme }
    : { letter, action, ringDigest, signature };
}

// Signs `letter` (or withdraws from it) as ring member `signerIndex` (SignLetter): with
// candor-lrs-v1 over a bucket `ring`, or, with `scheme` candor-lrs-v2, over the whole roster
// (SignLetterV2).
export function signLetter(
  letterId: Uint8Array,
  action: SignatureAction,
  ring: Ring,
  signerIndex: number,
  secret: Uint8Array,
  rng: Rng = systemRng,
  scheme: RingScheme = LRS_SCHEME,
): CoSignature {
  if (scheme === LRS2_SCHEME) {
    const pending = signLetterV2Begin(letterId, action, ring, signerIndex, secret, rng);
    return pending.finish(pending.sums.map((row) => lrs2SumOfProducts(row, ring.members)));
  }
  const statement = letterStatement(letterId, action);
  return {
    letter: letterId.slice(),
    action,
    ringDigest: ring.digest.slice(),
    signature: encodeLrsSignature(lrsSign(letterId, statement, ring, signerIndex, secret, rng)),
  };
}

// signLetterV2 in two steps (lrs2SignBegin): `sums` are the signer's sums over the ring, which
// the caller may compute on several workers (lrs2SumOfProducts each); `finish` takes their
// results and gives the co-signature.
export function signLetterV2Begin(
  letterId: Uint8Array,
  action: SignatureAction,
  ring: Ring,
  signerIndex: number,
  secret: Uint8Array,
  rng: Rng = systemRng,
): { sums: Uint8Array[][]; finish(results: readonly Uint8Array[]): CoSignature } {
  const pending = lrs2SignBegin(letterId, letterStatement(letterId, action), ring, signerIndex, secret, rng);
  return {
    sums: pending.sums,
    finish: (results) => ({
      letter: letterId.slice(),
      action,
      ringDigest: ring.digest.slice(),
      signature: encodeLrs2Signature(pending.finish(results)),
      scheme: LRS2_SCHEME,
    }),
  };
}

// signLetter with candor-lrs-v2, over `ring`, the organization's whole roster.
export function signLetterV2(
  letterId: Uint8Array,
  action: SignatureAction,
  ring: Ring,
  signerIndex: number,
  secret: Uint8Array,
  rng: Rng = systemRng,
): CoSignature {
  return signLetter(letterId, action, ring, signerIndex, secret, rng, LRS2_SCHEME);
}

// Verifies `sig` over `ring` and returns its linking tag (VerifyCoSignature): the digest must
// match first ('verification failed'), then the length ('invalid argument'), then the
// scheme's equations. A v1 signature is checked over a bucket, a v2 one over a whole roster.
export function verifyCoSignature(sig: CoSignature, ring: Ring): Uint8Array {
  if (!bytesEqual(sig.ringDigest, ring.digest)) {
    throw verificationFailed('the signature was made over a different ring');
  }
  const statement = letterStatement(sig.letter, sig.action);
  if (sig.scheme === LRS2_SCHEME) {
    const lrs2 = decodeLrs2Signature(sig.signature, ring.size);
    lrs2Verify(sig.letter, statement, ring, lrs2);
    return lrs2.tag;
  }
  const lrs = decodeLrsSignature(sig.signature, ring.size);
  lrsVerify(sig.letter, statement, ring, lrs);
  return lrs.tag;
}

// Verifies candor-lrs-v2 co-signatures over one ring together (VerifyCoSignaturesV2): result i
// is sigs[i]'s tag, or the error that VerifyCoSignature would give it. `rng` draws the batch
// weights (systemRng: the signers cannot predict them).
export function verifyCoSignaturesV2(
  sigs: readonly CoSignature[],
  ring: Ring,
  rng: Rng = systemRng,
): (Uint8Array | CandorError)[] {
  const out: (Uint8Array | CandorError)[] = [];
  const items: { event: Uint8Array; message: Uint8Array; signature: ReturnType<typeof decodeLrs2Signature> }[] = [];
  const where: number[] = [];
  sigs.forEach((sig, i) => {
    try {
      if (sig.scheme !== LRS2_SCHEME) {
        throw invalidArgument('a candor-lrs-v1 signature cannot be checked over a whole roster');
      }
      if (!bytesEqual(sig.ringDigest, ring.digest)) {
        throw verificationFailed('the signature was made over a different ring');
      }
      const signature = decodeLrs2Signature(sig.signature, ring.size);
      out.push(signature.tag);
      items.push({ event: sig.letter, message: letterStatement(sig.letter, sig.action), signature });
      where.push(i);
    } catch (e) {
      if (!(e instanceof CandorError)) throw e;
      out.push(e);
    }
  });
  for (const bad of lrs2VerifyBatch(ring, items, rng)) {
    // Checked alone only when it failed the batch, for the precise reason.
    const item = items[bad]!;
    try {
      lrs2Verify(item.event, item.message, ring, item.signature, rng);
      out[where[bad]!] = verificationFailed('the signature does not verify in a batch');
    } catch (e) {
      if (!(e instanceof CandorError)) throw e;
      out[where[bad]!] = e;
    }
  }
  return out;
}
