// Test logs and letter bundles built entirely in TypeScript: organizations with rosters of
// seeded member keys, a letter pinning them, co-signatures (signs, duplicates, withdrawals)
// in batches, a signed tree head. The cross-implementation tests hand these bundles to
// `candor verify --bundle` and compare its report with the browser's.
import { toHex } from '../../src/crypto/bytes.js';
import { signLetter, signLetterV2, type CoSignature } from '../../src/crypto/cosignature.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { generateMemberKeys, type MemberKeys } from '../../src/crypto/keys.js';
import { bucketRoster, computeLetterId, MAX_RING_SIZE, type Letter, type SignatureAction } from '../../src/crypto/letter.js';
import { decodeLogEntry, encodeLogEntry, type LogEvent } from '../../src/crypto/log_entry.js';
import { decodeStateLeaf, LogState, type StateLeaf, type StateLeafProof } from '../../src/crypto/log_state.js';
import { Ring } from '../../src/crypto/lrs.js';
import { LRS2_SCHEME } from '../../src/crypto/lrs2.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { signTreeHead } from '../../src/crypto/tree_head.js';
import type { LetterBundle } from '../../src/crypto/bundle.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { TestTree } from './merkle_tree.js';

export class TestLog {
  readonly entries: Uint8Array[] = [];
  readonly tree = new TestTree();
  readonly key: SignKeyPair;
  timestampMs = 1790000000000n;

  constructor(seed = 1) {
    this.key = generateSignKeyPair(new SeededRng(BigInt(seed) + 1000n));
  }

  append(event: LogEvent | Uint8Array): bigint {
    const bytes = event instanceof Uint8Array ? event : encodeLogEntry(event);
    this.entries.push(bytes);
    this.tree.append(bytes);
    return BigInt(this.entries.length - 1);
  }

  // A bundle of the entries at `indices` (increasing) against a fresh tree head of the whole
  // log. `entryBytes` may replace some entries' bytes *after* the tree was built (tampering).
  bundle(letterId: Uint8Array, indices: readonly number[]): LetterBundle {
    const size = this.entries.length;
    const sth = signTreeHead(
      { size: BigInt(size), root: this.tree.root(size), timestampMs: this.timestampMs },
      this.key.secretKey,
    );
    return {
      letterId,
      logPublicKey: this.key.publicKey,
      treeHead: sth,
      entries: indices.map((i) => ({
        index: BigInt(i),
        entry: this.entries[i]!,
        proof: this.tree.inclusion(i, size),
      })),
    };
  }

  // What SelectLetterBundleEntries picks for `letterId`: the letter, the pinned roster
  // history of its organizations, its batches and the co-signatures they close; when the log
  // ends with a `log-state` entry (a checkpoint), also that entry and each organization's roster
  // entry of version v + 1.
  select(letterId: Uint8Array): number[] {
    const events = this.entries.map((e) => decodeLogEntry(e));
    const pinned = new Map<string, bigint>();
    const picked = new Set<number>();
    const at = events.findIndex((ev) => ev.kind === 'letter' && toHex(computeLetterId(ev.letter)) === toHex(letterId));
    if (at < 0) throw new Error('no such letter in the test log');
    const letter = events[at]!;
    if (letter.kind !== 'letter') throw new Error('unreachable');
    letter.letter.organizations.forEach((o, k) => pinned.set(o, letter.rosterVersions[k]!));
    picked.add(at);
    const atCheckpoint = events.at(-1)?.kind === 'log-state';
    if (atCheckpoint) picked.add(events.length - 1);
    events.forEach((ev, i) => {
      if (ev.kind === 'roster-add' || ev.kind === 'roster-remove') {
        const pin = pinned.get(ev.slug);
        if (pin !== undefined && (ev.version <= pin || (atCheckpoint && ev.version === pin + 1n))) picked.add(i);
      } else if (ev.kind === 'signature-batch' && toHex(ev.letter) === toHex(letterId)) {
        picked.add(i);
        for (let k = Math.max(0, i - Number(ev.count)); k < i; k++) picked.add(k);
      }
    });
    return [...picked].sort((a, b) => a - b);
  }
}

export interface TestOrg {
  slug: string;
  members: MemberKeys[];
  version: bigint;
}

// Adds `count` members to organization `slug` (creating it with default settings first).
export function addOrganization(log: TestLog, slug: string, count: number, rng: SeededRng): TestOrg {
  log.append({ kind: 'organization-created', slug, name: `Organization ${slug}`, demo: false, settings: DEFAULT_SETTINGS });
  const org: TestOrg = { slug, members: [], version: 0n };
  for (let i = 0; i < count; i++) addMember(log, org, generateMemberKeys(rng));
  return org;
}

export function addMember(log: TestLog, org: TestOrg, keys: MemberKeys): void {
  org.version += 1n;
  org.members.push(keys);
  log.append({
    kind: 'roster-add',
    slug: org.slug,
    version: org.version,
    ringPublic: keys.ring.publicKey,
    replyPublic: keys.box.publicKey,
  });
}

export function removeMember(log: TestLog, org: TestOrg, index: number): void {
  org.version += 1n;
  const [gone] = org.members.splice(index, 1);
  log.append({ kind: 'roster-remove', slug: org.slug, version: org.version, ringPublic: gone!.ring.publicKey });
}

// The ring of `org`'s member `who` for a letter pinning the organization now.
export function ringOf(org: TestOrg, who: number, maxRing = MAX_RING_SIZE): { ring: Ring; index: number } {
  const key = org.members[who]!.ring.publicKey;
  for (const bucket of bucketRoster(org.members.map((m) => m.ring.publicKey), maxRing)) {
    const ring = Ring.create(bucket);
    const index = ring.indexOf(key);
    if (index !== undefined) return { ring, index };
  }
  throw new Error('member not in any bucket');
}

// Every member's ring for a letter that pins `orgs` now (keep it: later roster changes do not
// change a published letter's rings).
export function snapshotRings(orgs: TestOrg[], maxRing = MAX_RING_SIZE): Map<TestOrg, { ring: Ring; index: number }[]> {
  const out = new Map<TestOrg, { ring: Ring; index: number }[]>();
  for (const org of orgs) {
    const rings = bucketRoster(org.members.map((m) => m.ring.publicKey), maxRing).map((b) => Ring.create(b));
    out.set(
      org,
      org.members.map((m) => {
        for (const ring of rings) {
          const index = ring.indexOf(m.ring.publicKey);
          if (index !== undefined) return { ring, index };
        }
        throw new Error('member not in any bucket');
      }),
    );
  }
  return out;
}

export interface PendingSignature {
  org: TestOrg;
  who: number;
  action: SignatureAction;
  scheme?: typeof LRS2_SCHEME; // over the whole roster; absent: candor-lrs-v1 over a bucket
}

// Each organization's whole roster as one ring (candor-lrs-v2) for a letter that pins `orgs` now.
export function snapshotWholeRings(orgs: TestOrg[]): Map<TestOrg, Ring> {
  return new Map(orgs.map((org) => [org, Ring.create(org.members.map((m) => m.ring.publicKey))]));
}

// Publishes `letter` pinning every named organization's current version.
export function publishLetter(log: TestLog, letter: Letter, orgs: TestOrg[]): Uint8Array {
  log.append({ kind: 'letter', letter, rosterVersions: orgs.map((o) => o.version) });
  return computeLetterId(letter);
}

// Appends one batch: the co-signatures (made now, in a seeded shuffled order), then the batch.
export function appendBatch(
  log: TestLog,
  letterId: Uint8Array,
  batch: bigint,
  signatures: PendingSignature[],
  rng: SeededRng,
  rings: Map<TestOrg, { ring: Ring; index: number }[]> = new Map(),
  wholes: Map<TestOrg, Ring> = new Map(),
): void {
  const order = signatures.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.fill(1)[0]! % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const i of order) {
    const s = signatures[i]!;
    const secret = s.org.members[s.who]!.ring.secret;
    let sig: CoSignature;
    if (s.scheme === LRS2_SCHEME) {
      const whole = wholes.get(s.org) ?? Ring.create(s.org.members.map((m) => m.ring.publicKey));
      sig = signLetterV2(letterId, s.action, whole, whole.indexOf(s.org.members[s.who]!.ring.publicKey)!, secret, rng);
    } else {
      const r = rings.get(s.org)?.[s.who] ?? ringOf(s.org, s.who);
      sig = signLetter(letterId, s.action, r.ring, r.index, secret, rng);
    }
    log.append({
      kind: 'cosignature',
      letter: letterId,
      slug: s.org.slug,
      action: s.action,
      ringDigest: sig.ringDigest,
      signature: sig.signature,
      ...(sig.scheme === LRS2_SCHEME ? { scheme: LRS2_SCHEME } : {}),
    });
  }
  log.append({
    kind: 'signature-batch',
    letter: letterId,
    batch,
    count: BigInt(signatures.length),
    publishedAtMs: 1790000000000n + batch * 600000n,
  });
}

// Makes the log so far a checkpoint: appends the `log-state` entry committing to its entries
// (LogState replayed over them; `tweak` may change the state first, to commit to a false one)
// and returns the state's sorted leaves.
export function appendLogState(log: TestLog, tweak?: (state: LogState) => void): Uint8Array[] {
  const state = new LogState();
  log.entries.forEach((e, i) => state.replay(BigInt(i), decodeLogEntry(e)));
  tweak?.(state);
  log.append(state.commit(BigInt(log.entries.length)));
  return state.leaves();
}

// The proof of the first of the sorted `leaves` that `which` picks (ProveLetterLeaf,
// ProveOrganizationLeaf).
export function proveStateLeaf(leaves: readonly Uint8Array[], which: (leaf: StateLeaf) => boolean): StateLeafProof {
  const position = leaves.findIndex((l) => which(decodeStateLeaf(l)));
  if (position < 0) throw new Error('no such leaf in the test log state');
  const tree = new TestTree();
  for (const l of leaves) tree.append(l);
  return { leaf: leaves[position]!, position: BigInt(position), proof: tree.inclusion(position) };
}

export function letterLeaf(letterId: Uint8Array): (leaf: StateLeaf) => boolean {
  return (leaf) => leaf.kind === 'letter' && toHex(leaf.letter) === toHex(letterId);
}

export function organizationLeaf(slug: string): (leaf: StateLeaf) => boolean {
  return (leaf) => leaf.kind === 'organization' && leaf.slug === slug;
}

// A bundle's "state" member (LetterStateProofs): the letter's leaf, then each organization's.
export function letterStateProofs(leaves: readonly Uint8Array[], letterId: Uint8Array, organizations: readonly string[]): StateLeafProof[] {
  return [proveStateLeaf(leaves, letterLeaf(letterId)), ...organizations.map((o) => proveStateLeaf(leaves, organizationLeaf(o)))];
}
