// The linkable ring signature `candor-lrs-v2` (docs/LRS-V2.md; src/crypto/lrs2.h, whose
// bytes, rules and check order this file follows): a one-out-of-many proof that the signer
// owns one key of the ring, composed with a proof that the tag is x·Hp("candor/v1/lrs/tag-base",
// e), the very tag of candor-lrs-v1. 32·(10 + 8m) bytes for a ring of N ≤ 8^m keys.
//
//   const sig = lrs2Sign(event, message, ring, myIndex, mySecret);     // systemRng
//   const wire = encodeLrs2Signature(sig);
//   lrs2Verify(event, message, ring, decodeLrs2Signature(wire, ring.size));  // throws if bad
//   const bad = lrs2VerifyBatch(ring, items);                          // positions that fail
//
// libsodium's API has no multi-scalar multiplication: every Σ s_k·P_k here is N constant-time
// scalar multiplications, so the prover needs no masking, unlike the C++ core's variable-time
// Pippenger: every product is computed, whatever the signer's position. One care: libsodium
// refuses (libsodium.js throws) a product that is the identity, so a secret scalar that may be
// zero (a digit σ, a coefficient q) is never multiplied as such: the prover computes
// (σ+1)·G − G and Σ(q+1)·P − ΣP instead, whose factors are never zero.
// (JavaScript itself gives no timing guarantees; the arithmetic on secrets is libsodium's.)
// Errors: 'invalid argument' for malformed input, 'verification failed' when an equation fails.
import { concatBytes, isAllZero, u64le, utf8 } from './bytes.js';
import { invalidArgument, verificationFailed } from './errors.js';
import type { Ring } from './lrs.js';
import {
  isCanonicalNonZeroSecret,
  isCanonicalScalar,
  isValidPoint,
  pointAdd,
  scalarAdd,
  scalarMul,
  scalarMult,
  scalarMultBase,
  scalarSub,
} from './ristretto.js';
import { systemRng, type Rng } from './rng.js';
import { sodium } from './sodium.js';
import { reduceWide, sha512, trBytes } from './transcript.js';

export const LRS2_SCHEME = 'candor-lrs-v2';
export const LRS2_RADIX = 8;
export const LRS2_MAX_DIGITS = 7;
export const LRS2_MAX_RING = 2 ** 21;

const N8 = LRS2_RADIX;

// m = the smallest m ≥ 1 with 8^m ≥ ringSize.
export function lrs2Digits(ringSize: number): number {
  let m = 1;
  while (m < LRS2_MAX_DIGITS && 8 ** m < ringSize) m++;
  return m;
}

export function lrs2SignatureSize(ringSize: number): number {
  return 32 * (10 + N8 * lrs2Digits(ringSize));
}

// A signature, field by field in wire order (docs/LRS-V2.md "Signature").
export interface Lrs2Signature {
  tag: Uint8Array; // I = x·T
  key: Uint8Array; // K = P_l + t·H
  a: Uint8Array;
  b: Uint8Array;
  x: Uint8Array[]; // X_0 … X_{m-1}
  f: Uint8Array[]; // f_{j,i}, j < m, 1 ≤ i < 8, j-major
  za: Uint8Array;
  z: Uint8Array;
  r1: Uint8Array;
  r2: Uint8Array;
  s1: Uint8Array;
  s2: Uint8Array;
}

export function encodeLrs2Signature(sig: Lrs2Signature): Uint8Array {
  return concatBytes(
    sig.tag,
    sig.key,
    sig.a,
    sig.b,
    ...sig.x,
    ...sig.f,
    sig.za,
    sig.z,
    sig.r1,
    sig.r2,
    sig.s1,
    sig.s2,
  );
}

// 'invalid argument' unless ringSize is in [1, 2^21] and the length is exactly
// lrs2SignatureSize(ringSize). Checks nothing else (lrs2Verify does).
export function decodeLrs2Signature(bytes: Uint8Array, ringSize: number): Lrs2Signature {
  if (!Number.isSafeInteger(ringSize) || ringSize < 1 || ringSize > LRS2_MAX_RING) {
    throw invalidArgument(`a candor-lrs-v2 ring has 1 to ${LRS2_MAX_RING} keys`);
  }
  const m = lrs2Digits(ringSize);
  const want = lrs2SignatureSize(ringSize);
  if (bytes.length !== want) {
    throw invalidArgument(
      `a candor-lrs-v2 signature over ${ringSize} keys is ${want} bytes, not ${bytes.length}`,
    );
  }
  let at = 0;
  const take = (): Uint8Array => {
    const v = bytes.slice(at, at + 32);
    at += 32;
    return v;
  };
  const tag = take();
  const key = take();
  const a = take();
  const b = take();
  const x = Array.from({ length: m }, take);
  const f = Array.from({ length: (N8 - 1) * m }, take);
  return { tag, key, a, b, x, f, za: take(), z: take(), r1: take(), r2: take(), s1: take(), s2: take() };
}

// --- generators, hashes, small helpers ---

function hpBytes(label: string, parts: Uint8Array[]): Uint8Array {
  return sodium().crypto_core_ristretto255_from_hash(sha512(trBytes(utf8(label), parts)));
}

function hsBytes(label: string, parts: Uint8Array[]): Uint8Array {
  return reduceWide(sha512(trBytes(utf8(label), parts)));
}

interface Generators {
  h: Uint8Array;
  g: Uint8Array[]; // G_{j,i} at [8j + i]
  hh: Uint8Array[]; // H_{j,i} at [8j + i]
}

let generators: Generators | undefined;

function gens(): Generators {
  if (generators === undefined) {
    const g: Uint8Array[] = [];
    const hh: Uint8Array[] = [];
    for (let j = 0; j < LRS2_MAX_DIGITS; j++) {
      for (let i = 0; i < N8; i++) {
        g.push(hpBytes('candor/v2/lrs/matrix-g', [u64le(j), u64le(i)]));
        hh.push(hpBytes('candor/v2/lrs/matrix-h', [u64le(j), u64le(i)]));
      }
    }
    generators = { h: hpBytes('candor/v2/lrs/H', []), g, hh };
  }
  return generators;
}

function tagBase(event: Uint8Array): Uint8Array {
  return hpBytes('candor/v1/lrs/tag-base', [event]);
}

function scalarOf(n: number): Uint8Array {
  const s = new Uint8Array(32);
  s.set(u64le(n));
  return s;
}

const ZERO: Uint8Array = new Uint8Array(32);
const ONE: Uint8Array = scalarOf(1);

// a − b (both valid or the identity).
function pointSub(a: Uint8Array, b: Uint8Array): Uint8Array {
  return sodium().crypto_core_ristretto255_sub(a, b);
}

function neg(s: Uint8Array): Uint8Array {
  return scalarSub(ZERO, s);
}

// Σ scalars[k]·points[k], each product a constant-time scalar multiplication.
function sumOfProducts(scalars: readonly Uint8Array[], points: readonly Uint8Array[]): Uint8Array {
  let acc: Uint8Array = new Uint8Array(32); // the identity
  for (let k = 0; k < scalars.length; k++) acc = pointAdd(acc, scalarMult(scalars[k]!, points[k]!));
  return acc;
}

// ⌈N / 8^j⌉
function prefixes(n: number, j: number): number {
  return Math.ceil(n / 8 ** j);
}

function xiOf(
  ringDigest: Uint8Array,
  ringSize: number,
  event: Uint8Array,
  t: Uint8Array,
  sig: Pick<Lrs2Signature, 'tag' | 'key' | 'a' | 'b' | 'x'>,
  message: Uint8Array,
): Uint8Array {
  return hsBytes('candor/v2/lrs/xi', [
    ringDigest,
    u64le(ringSize),
    event,
    t,
    sig.tag,
    sig.key,
    message,
    sig.a,
    sig.b,
    ...sig.x,
  ]);
}

function cOf(xi: Uint8Array, sig: Pick<Lrs2Signature, 'f' | 'za' | 'z' | 'r1' | 'r2'>): Uint8Array {
  return hsBytes('candor/v2/lrs/c', [xi, ...sig.f, sig.za, sig.z, sig.r1, sig.r2]);
}

// --- verification ---

interface Prepared {
  sig: Lrs2Signature;
  t: Uint8Array;
  xi: Uint8Array;
  c: Uint8Array;
  f: Uint8Array[]; // every f_{j,i}, f_{j,0} included: 8m
}

function prepare(event: Uint8Array, message: Uint8Array, ring: Ring, sig: Lrs2Signature): Prepared {
  if (ring.size > LRS2_MAX_RING) {
    throw invalidArgument(`a candor-lrs-v2 ring has at most ${LRS2_MAX_RING} keys, this one has ${ring.size}`);
  }
  const m = lrs2Digits(ring.size);
  if (event.length !== 32) throw invalidArgument('the event id must be 32 bytes');
  if (sig.x.length !== m || sig.f.length !== (N8 - 1) * m) {
    throw invalidArgument(
      `the signature has the wrong number of elements for a ring of ${ring.size}`,
    );
  }
  const point = (p: Uint8Array, what: string): void => {
    if (!isValidPoint(p)) throw invalidArgument(`${what} is not a valid non-identity point`);
  };
  const scalar = (s: Uint8Array, what: string): void => {
    if (!isCanonicalScalar(s)) throw invalidArgument(`${what} is not a canonical scalar`);
  };
  point(sig.tag, 'the tag');
  point(sig.key, 'K');
  point(sig.a, 'A');
  point(sig.b, 'B');
  sig.x.forEach((x, j) => point(x, `X_${j}`));
  sig.f.forEach((f, k) => scalar(f, `f_${Math.floor(k / (N8 - 1))},${(k % (N8 - 1)) + 1}`));
  scalar(sig.za, 'z_A');
  scalar(sig.z, 'z');
  point(sig.r1, 'R1');
  point(sig.r2, 'R2');
  scalar(sig.s1, 's1');
  scalar(sig.s2, 's2');
  const t = tagBase(event);
  const xi = xiOf(ring.digest, ring.size, event, t, sig, message);
  const c = cOf(xi, sig);
  const f: Uint8Array[] = [];
  for (let j = 0; j < m; j++) {
    let rest = ZERO;
    const row: Uint8Array[] = [];
    for (let i = 1; i < N8; i++) {
      const fji = sig.f[(N8 - 1) * j + (i - 1)]!;
      row.push(fji);
      rest = scalarAdd(rest, fji);
    }
    f.push(scalarSub(xi, rest), ...row); // f_{j,0} = ξ − Σ_{i≥1} f_{j,i}
  }
  return { sig, t, xi, c, f };
}

// The four equations of every prepared signature, each weighted by a fresh random scalar,
// summed; true when the sum is the identity.
function batchHolds(ring: Ring, batch: readonly Prepared[], rng: Rng): boolean {
  // The weights: hashed from 32 fresh bytes and every signature of the batch (its ξ and c,
  // which bind everything but s1 and s2, and s1, s2), as in the C++ core.
  const seed = sha512(
    trBytes(utf8('candor/v2/lrs/batch-weights'), [
      rng.fill(32),
      ...batch.flatMap((p) => [p.xi, p.c, p.sig.s1, p.sig.s2]),
    ]),
  );
  let counter = 0;
  const weight = (): Uint8Array => hsBytes('candor/v2/lrs/batch-weight', [seed, u64le(counter++)]);
  const n = ring.size;
  const m = lrs2Digits(n);
  const g = gens();
  const ringScalars: Uint8Array[] = Array.from({ length: n }, () => ZERO);
  let coefG = ZERO;
  let coefH = ZERO;
  const coefMatrixG: Uint8Array[] = Array.from({ length: N8 * m }, () => ZERO);
  const coefMatrixH: Uint8Array[] = Array.from({ length: N8 * m }, () => ZERO);
  const scalars: Uint8Array[] = [];
  const points: Uint8Array[] = [];
  const push = (s: Uint8Array, p: Uint8Array): void => {
    scalars.push(s);
    points.push(p);
  };
  for (const p of batch) {
    const [w1, w2, w3, w4] = [0, 1, 2, 3].map(weight) as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const xiPow: Uint8Array[] = [ONE];
    for (let j = 1; j <= m; j++) xiPow.push(scalarMul(xiPow[j - 1]!, p.xi));
    // (1) z_A·H + Σ f·G_{j,i} + Σ f(ξ − f)·H_{j,i} − A − ξ·B
    coefH = scalarAdd(coefH, scalarMul(w1, p.sig.za));
    for (let k = 0; k < N8 * m; k++) {
      const fk = p.f[k]!;
      coefMatrixG[k] = scalarAdd(coefMatrixG[k]!, scalarMul(w1, fk));
      coefMatrixH[k] = scalarAdd(coefMatrixH[k]!, scalarMul(w1, scalarMul(fk, scalarSub(p.xi, fk))));
    }
    push(neg(w1), p.sig.a);
    push(neg(scalarMul(w1, p.xi)), p.sig.b);
    // (2) Σ t'_k·P_k − ξ^m·K − Σ ξ^j·X_j − z·H
    let level: Uint8Array[] = [w2];
    for (let j = m - 1; j >= 0; j--) {
      const count = prefixes(n, j);
      const next: Uint8Array[] = new Array<Uint8Array>(count);
      for (let q = 0; q < count; q++) next[q] = scalarMul(level[q >> 3]!, p.f[N8 * j + (q & 7)]!);
      level = next;
    }
    let rest = ZERO;
    for (let k = 0; k + 1 < n; k++) {
      ringScalars[k] = scalarAdd(ringScalars[k]!, level[k]!);
      rest = scalarAdd(rest, level[k]!);
    }
    ringScalars[n - 1] = scalarAdd(ringScalars[n - 1]!, scalarSub(scalarMul(w2, xiPow[m]!), rest));
    push(neg(scalarMul(w2, xiPow[m]!)), p.sig.key);
    for (let j = 0; j < m; j++) push(neg(scalarMul(w2, xiPow[j]!)), p.sig.x[j]!);
    coefH = scalarSub(coefH, scalarMul(w2, p.sig.z));
    // (3) s1·G + s2·H + c·K − R1
    coefG = scalarAdd(coefG, scalarMul(w3, p.sig.s1));
    coefH = scalarAdd(coefH, scalarMul(w3, p.sig.s2));
    push(scalarMul(w3, p.c), p.sig.key);
    push(neg(w3), p.sig.r1);
    // (4) s1·T + c·I − R2
    push(scalarMul(w4, p.sig.s1), p.t);
    push(scalarMul(w4, p.c), p.sig.tag);
    push(neg(w4), p.sig.r2);
  }
  let sum = sumOfProducts(ringScalars, ring.members);
  sum = pointAdd(sum, scalarMultBase(coefG));
  sum = pointAdd(sum, scalarMult(coefH, g.h));
  sum = pointAdd(sum, sumOfProducts(coefMatrixG, g.g.slice(0, N8 * m)));
  sum = pointAdd(sum, sumOfProducts(coefMatrixH, g.hh.slice(0, N8 * m)));
  sum = pointAdd(sum, sumOfProducts(scalars, points));
  return isAllZero(sum);
}

// Verifies one signature (Lrs2Verify): 'invalid argument' when malformed, 'verification
// failed' when the equations do not hold.
export function lrs2Verify(
  event: Uint8Array,
  message: Uint8Array,
  ring: Ring,
  sig: Lrs2Signature,
  rng: Rng = systemRng,
): void {
  const p = prepare(event, message, ring, sig);
  if (!batchHolds(ring, [p], rng)) {
    throw verificationFailed('the candor-lrs-v2 signature does not verify');
  }
}

export interface Lrs2BatchItem {
  event: Uint8Array;
  message: Uint8Array;
  signature: Lrs2Signature;
}

// Verifies signatures over one ring together (Lrs2VerifyBatch): one weighted sum, halved
// until each bad signature is found. Returns the positions that fail, in increasing order.
// `rng` draws the weights: systemRng, which the signers cannot predict.
export function lrs2VerifyBatch(
  ring: Ring,
  items: readonly Lrs2BatchItem[],
  rng: Rng = systemRng,
): number[] {
  const bad: number[] = [];
  const prepared: Prepared[] = [];
  const positions: number[] = [];
  items.forEach((item, i) => {
    try {
      prepared.push(prepare(item.event, item.message, ring, item.signature));
      positions.push(i);
    } catch {
      bad.push(i);
    }
  });
  const blame = (lo: number, hi: number): void => {
    if (lo >= hi || batchHolds(ring, prepared.slice(lo, hi), rng)) return;
    if (hi - lo === 1) {
      bad.push(positions[lo]!);
      return;
    }
    const mid = lo + Math.floor((hi - lo) / 2);
    blame(lo, mid);
    blame(mid, hi);
  };
  blame(0, prepared.length);
  return bad.sort((a, b) => a - b);
}

// --- signing ---

// Signs `message` for `event` as ring member `signerIndex`, whose secret is `x`
// (Lrs2Sign): 32 fresh bytes from rng, hashed with x, the ring, the event and the message
// into every nonce, so that a SeededRng reproduces the C++ core's signature byte for byte.
// 'invalid argument' if signerIndex is out of range, x is not a canonical non-zero scalar,
// or the ring's key at signerIndex is not x·G.
export function lrs2Sign(
  event: Uint8Array,
  message: Uint8Array,
  ring: Ring,
  signerIndex: number,
  x: Uint8Array,
  rng: Rng = systemRng,
): Lrs2Signature {
  const pending = lrs2SignBegin(event, message, ring, signerIndex, x, rng);
  return pending.finish(pending.sums.map((scalars) => sumOfProducts(scalars, ring.members)));
}

// lrs2Sign in two steps, so that its m sums over the ring — nearly all of its work — can run
// on several threads (web/src/workers/msm.worker.ts): `sums[j]` are the scalars of the j-th,
// Σ_k sums[j][k]·P_k, in ring order; `finish` takes the m results (sumOfProducts of each, in
// order), completes the signature and wipes the signer's state; `x` must stay intact until
// then. The scalars depend on the signer's position: hand them only to this browser's own
// workers.
export interface Lrs2SignPending {
  sums: Uint8Array[][];
  finish(results: readonly Uint8Array[]): Lrs2Signature;
}

// Σ_k scalars[k]·points[k] with constant-time multiplications (the signer's sums).
export function lrs2SumOfProducts(scalars: readonly Uint8Array[], points: readonly Uint8Array[]): Uint8Array {
  return sumOfProducts(scalars, points);
}

export function lrs2SignBegin(
  event: Uint8Array,
  message: Uint8Array,
  ring: Ring,
  signerIndex: number,
  x: Uint8Array,
  rng: Rng = systemRng,
): Lrs2SignPending {
  const n = ring.size;
  if (event.length !== 32) throw invalidArgument('the event id must be 32 bytes');
  if (!Number.isSafeInteger(signerIndex) || signerIndex < 0 || signerIndex >= n) {
    throw invalidArgument('the signer index is outside the ring');
  }
  if (n > LRS2_MAX_RING) throw invalidArgument(`a candor-lrs-v2 ring has at most ${LRS2_MAX_RING} keys`);
  if (!isCanonicalNonZeroSecret(x)) {
    throw invalidArgument('the secret key is not a canonical non-zero scalar');
  }
  // Every key is compared, so that the position does not choose what is read.
  const publicKey = scalarMultBase(x);
  let found = 0;
  ring.members.forEach((p, k) => {
    found |= Number(sodium().memcmp(p, publicKey)) & Number(k === signerIndex);
  });
  if (found === 0) throw invalidArgument("the ring's key at the signer index is not this key");
  const m = lrs2Digits(n);
  const g = gens();
  const t = tagBase(event);

  const fresh = rng.fill(32);
  const seed = sha512(trBytes(utf8('candor/v2/lrs/nonce-seed'), [fresh, x, ring.digest, event, message]));
  const nonce = (i: number): Uint8Array => hsBytes('candor/v2/lrs/nonce', [seed, u64le(i)]);
  const tNonce = nonce(0);
  const rA = nonce(1);
  const rB = nonce(2);
  const alpha = nonce(3);
  const beta = nonce(4);
  const a: Uint8Array[] = [];
  const sigma: Uint8Array[] = [];
  const rho: Uint8Array[] = [];
  for (let j = 0; j < m; j++) {
    const row: Uint8Array[] = [];
    let sum = ZERO;
    for (let i = 1; i < N8; i++) {
      const v = nonce(5 + (N8 - 1) * j + (i - 1));
      row.push(v);
      sum = scalarAdd(sum, v);
    }
    a.push(neg(sum), ...row);
    const digit = Math.floor(signerIndex / 8 ** j) % 8;
    for (let i = 0; i < N8; i++) sigma.push(scalarOf(Number(digit === i)));
  }
  for (let j = 0; j < m; j++) rho.push(nonce(5 + (N8 - 1) * m + j));
  sodium().memzero(seed);

  const tag = scalarMult(x, t);
  const key = pointAdd(publicKey, scalarMult(tNonce, g.h));
  let bigA = scalarMult(rA, g.h);
  let bigB = scalarMult(rB, g.h);
  const two = scalarOf(2);
  for (let k = 0; k < N8 * m; k++) {
    bigA = pointAdd(bigA, scalarMult(a[k]!, g.g[k]!));
    bigA = pointAdd(bigA, scalarMult(neg(scalarMul(a[k]!, a[k]!)), g.hh[k]!));
    bigB = pointSub(pointAdd(bigB, scalarMult(scalarAdd(sigma[k]!, ONE), g.g[k]!)), g.g[k]!);
    bigB = pointAdd(bigB, scalarMult(scalarMul(a[k]!, scalarSub(ONE, scalarMul(two, sigma[k]!))), g.hh[k]!));
  }

  // p_k(X) = Π_j (σ_{j,k_j}·X + a_{j,k_j}), digit by digit from the most significant.
  let level: Uint8Array[][] = [[ONE]];
  for (let j = m - 1; j >= 0; j--) {
    const count = prefixes(n, j);
    const next: Uint8Array[][] = new Array<Uint8Array[]>(count);
    for (let q = 0; q < count; q++) {
      const parent = level[q >> 3]!;
      const s = sigma[N8 * j + (q & 7)]!;
      const c = a[N8 * j + (q & 7)]!;
      const child: Uint8Array[] = [];
      for (let d = 0; d <= parent.length; d++) {
        let v = d < parent.length ? scalarMul(c, parent[d]!) : ZERO;
        if (d > 0) v = scalarAdd(v, scalarMul(s, parent[d - 1]!));
        child.push(v);
      }
      next[q] = child;
    }
    level = next;
  }
  // Σ(q+1)·P − ΣP: no factor is zero (q = −1 has probability 2^−252). The sums Σ(q+1)·P are
  // the caller's (lrs2Sign, or several workers); the rest is finish's.
  const sums: Uint8Array[][] = [];
  for (let j = 0; j < m; j++) {
    const plusOne: Uint8Array[] = [];
    let last = ZERO;
    for (let k = 0; k + 1 < n; k++) {
      const v = level[k]![j]!;
      plusOne.push(scalarAdd(v, ONE));
      last = scalarSub(last, v);
    }
    plusOne.push(scalarAdd(last, ONE));
    sums.push(plusOne);
  }
  for (const poly of level) for (const v of poly) sodium().memzero(v);
  const finish = (shifted: readonly Uint8Array[]): Lrs2Signature => {
    if (shifted.length !== m) throw invalidArgument(`the signer needs ${m} sums, got ${shifted.length}`);
    let ringSum: Uint8Array = new Uint8Array(32);
    for (const p of ring.members) ringSum = pointAdd(ringSum, p);
    const xs = shifted.map((sum, j) => pointAdd(pointSub(sum, ringSum), scalarMult(rho[j]!, g.h)));
    for (const row of sums) for (const v of row) sodium().memzero(v);
    return complete(xs);
  };
  const complete = (xs: Uint8Array[]): Lrs2Signature => {
    const partial = { tag, key, a: bigA, b: bigB, x: xs };
    const xi = xiOf(ring.digest, n, event, t, partial, message);
    const f: Uint8Array[] = [];
    for (let j = 0; j < m; j++) {
      for (let i = 1; i < N8; i++) f.push(scalarAdd(scalarMul(sigma[N8 * j + i]!, xi), a[N8 * j + i]!));
    }
    const za = scalarAdd(rA, scalarMul(xi, rB));
    let z = ZERO;
    let xiPow = ONE;
    for (let j = 0; j < m; j++) {
      z = scalarSub(z, scalarMul(rho[j]!, xiPow));
      xiPow = scalarMul(xiPow, xi);
    }
    z = scalarSub(z, scalarMul(tNonce, xiPow));
    const r1 = pointAdd(scalarMultBase(alpha), scalarMult(beta, g.h));
    const r2 = scalarMult(alpha, t);
    const c = cOf(xi, { f, za, z, r1, r2 });
    const s1 = scalarSub(alpha, scalarMul(c, x));
    const s2 = scalarSub(beta, scalarMul(c, tNonce));
    for (const secret of [fresh, tNonce, rA, rB, alpha, beta, ...a, ...rho, ...sigma]) sodium().memzero(secret);
    return { ...partial, f, za, z, r1, r2, s1, s2 };
  };
  return { sums, finish };
}
