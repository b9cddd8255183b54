// Trusting the log in the browser (web/src/trust.ts, docs/PROTOCOL.md "Trusting the log" and
// "Witnesses"): the pin on first use, no rollback, no fork, the checkpoints and their
// consistency proofs, a changed key, witnesses and their threshold, and the organization state
// fetched at the trusted head, the log key a member entered — against logs built here, through the injected LogSource and
// TrustStore (no server, no localStorage).
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { CandorError, verificationFailed } from '../../src/crypto/errors.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson, parseJson, type JsonObject } from '../../src/crypto/json.js';
import { decodeLogEntry } from '../../src/crypto/log_entry.js';
import { stateLeafProofToJson } from '../../src/crypto/log_state.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { orgStateToJson } from '../../src/crypto/org_state.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { signedTreeHeadToJson, signTreeHead, type SignedTreeHead } from '../../src/crypto/tree_head.js';
import { cosignTreeHead, type WitnessCosignature } from '../../src/crypto/witness.js';
import {
  browserTrustStore,
  EXPLICIT_LOG_KEY,
  explicitLogKeyFromText,
  explicitLogKeyToText,
  fetchOrgState,
  fetchTrustedHead,
  loadExplicitLogKey,
  loadWitnessPolicy,
  LogKeyChangedError,
  logKeyFromInput,
  LogKeyMismatchError,
  saveExplicitLogKey,
  saveWitnessPolicy,
  trustLogKey,
  trustRecordFromText,
  trustRecordToText,
  WITNESS_POLICY_KEY,
  witnessKeysFromLines,
  witnessPolicyFromText,
  witnessPolicyToText,
  type LogCheckpoints,
  type LogSource,
  type TrustRecord,
  type TrustStore,
  type WitnessPolicy,
} from '../../src/trust.js';
import { addOrganization, appendLogState, organizationLeaf, proveStateLeaf, TestLog } from './fixture.js';

await ready();

class MemoryStore implements TrustStore {
  record: TrustRecord | null = null;
  policy: WitnessPolicy | null = null;
  // The log key the member entered (the "Log key" box), kept as its stored text: null: none.
  enteredText: string | null = null;
  constructor(policy: WitnessPolicy | null = null) {
    this.policy = policy;
  }
  enter(key: Uint8Array | null): this {
    this.enteredText = key === null ? null : explicitLogKeyToText(key);
    return this;
  }
  async load() {
    return this.record;
  }
  async save(r: TrustRecord) {
    // Through the text form, as the browser stores it.
    this.record = trustRecordFromText(trustRecordToText(r));
  }
  async witnessPolicy() {
    // Through the text form too.
    return this.policy === null ? null : witnessPolicyFromText(witnessPolicyToText(this.policy));
  }
  async explicitLogKey() {
    return this.enteredText === null ? null : explicitLogKeyFromText(this.enteredText);
  }
}

// A server that serves `log` at size `size` (settable), signed with `signer`, with the
// checkpoints marked so far (`mark`), the newest `listed` of them — as GET /log/checkpoints —
// each with its consistency proof to the latest head. It records every consistency proof asked
// for, and every checkpoint size it ever listed.
class FakeServer implements LogSource {
  size: number;
  signer: SignKeyPair;
  marked: number[] = []; // checkpoint sizes, oldest first
  listed = 4;
  // The proof from a checkpoint to the latest head (a liar replaces it).
  checkpointProof = (cpSize: number, size: number): Uint8Array[] => this.log.tree.consistency(cpSize, size);
  consistencyAsked: [bigint, bigint][] = [];
  everListed = new Set<bigint>();
  // The witnesses' cosignatures collected for each checkpoint size (as `candor witness` posts
  // them); a liar replaces `cosignaturesOf`.
  cosigned = new Map<number, WitnessCosignature[]>();
  cosignaturesOf = (size: number): WitnessCosignature[] | undefined => this.cosigned.get(size);
  constructor(
    public log: TestLog,
    size?: number,
  ) {
    this.size = size ?? log.entries.length;
    this.signer = log.key;
  }
  // Marks the current head a checkpoint (as the server does at each batch).
  mark(size = this.size): this {
    this.marked.push(size);
    return this;
  }
  // `witnesses` cosign the checkpoint of `size` (each a valid cosignature of this log's head).
  cosign(size: number, ...witnesses: SignKeyPair[]): this {
    const list = this.cosigned.get(size) ?? [];
    for (const w of witnesses) list.push(cosignTreeHead(this.signer.publicKey, this.head(size).head, 1790000000n + BigInt(size), w));
    this.cosigned.set(size, list);
    return this;
  }
  head(size = this.size): SignedTreeHead {
    return signTreeHead({ size: BigInt(size), root: this.log.tree.root(size), timestampMs: 1790000000000n + BigInt(size) }, this.signer.secretKey);
  }
  async key() {
    return this.signer.publicKey;
  }
  async checkpoints(): Promise<LogCheckpoints> {
    const sizes = this.marked.filter((s) => s <= this.size).slice(-this.listed).reverse();
    for (const s of sizes) this.everListed.add(BigInt(s));
    return {
      latest: this.head(),
      checkpoints: sizes.map((s) => {
        const cosignatures = this.cosignaturesOf(s);
        return { sth: this.head(s), consistency: this.checkpointProof(s, this.size), ...(cosignatures ? { cosignatures } : {}) };
      }),
    };
  }
  async consistency(oldSize: bigint, newSize: bigint) {
    this.consistencyAsked.push([oldSize, newSize]);
    return this.log.tree.consistency(Number(oldSize), Number(newSize));
  }
  async orgState(slug: string, treeSize: bigint) {
    const size = Number(treeSize);
    const entries = this.log.entries
      .map((entry, i) => ({ entry, i }))
      .filter(({ entry, i }) => i > 0 && i < size && entry.length > 0)
      .map(({ entry, i }) => ({ index: BigInt(i), entry, proof: this.log.tree.inclusion(i, size) }));
    const proof = { organization: slug, logPublicKey: this.log.key.publicKey, treeHead: this.head(size), entries };
    return utf8(dumpJson(orgStateToJson(proof)));
  }
}

// 'state' with `members` members (one entry each after its organization-created entry).
function makeLog(seed: number, members: number): TestLog {
  const rng = new SeededRng(seed);
  const log = new TestLog(4);
  addOrganization(log, 'state', members, rng);
  return log;
}

async function stopsWith(p: Promise<unknown>, pattern: RegExp): Promise<CandorError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CandorError);
    expect((e as CandorError).code).toBe('verification failed');
    expect((e as Error).message).toMatch(pattern);
    return e as CandorError;
  }
  throw new Error('expected the flow to stop');
}

const FORK = /its history was rewritten/;

describe('trusting the log', () => {
  it('pins the key on first use, then checks each newer head against the checkpoints, asking nothing while its checkpoint is listed', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(4).mark(10);
    const store = new MemoryStore();
    const first = await fetchTrustedHead(server, store);
    expect(first.firstUse).toBe(true);
    expect(first.sth.head.size).toBe(10n);
    expect(store.record?.logKey).toEqual(log.key.publicKey);
    expect(store.record?.treeHead?.head.size).toBe(10n);
    expect(store.record?.checkpoint?.head.size).toBe(10n);

    const same = await fetchTrustedHead(server, store);
    expect(same.firstUse).toBe(false);

    // Growing heads, a checkpoint now and then: the stored checkpoint is always still listed.
    for (const [size, mark] of [[11, false], [16, true], [17, false], [31, true]] as const) {
      server.size = size;
      if (mark) server.mark();
      const h = await fetchTrustedHead(server, store);
      expect(h.sth.head.size).toBe(BigInt(size));
      expect(store.record?.treeHead?.head.size).toBe(BigInt(size));
      expect(store.record?.checkpoint?.head.size).toBe(BigInt(Math.max(...server.marked)));
    }
    expect(server.consistencyAsked).toEqual([]);
  });

  it('never asks for a consistency proof from a size that was not a listed checkpoint, even when its checkpoint left the list', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 5).mark(3).mark(5);
    server.listed = 2;
    const store = new MemoryStore();
    const heads: bigint[] = []; // the heads this browser accepted (its own sizes)
    // [size, checkpoints marked before the look]
    const looks: [number, number[]][] = [
      [5, []], // first use: checkpoint 5
      [7, []], // 5 still listed
      [9, [9]], // 9 listed beside 5: the stored one is checked, 9 stored
      [13, [11, 13]], // 9 left the list (13, 11): proven from 9
      [15, []], // 13 listed
      [22, [17, 19, 21]], // 13 left the list (21, 19): proven from 13
      [22, []], // the same head again
      [31, [24, 26, 29]], // 21 left the list (29, 26)
    ];
    for (const [size, marks] of looks) {
      server.size = size;
      for (const m of marks) server.mark(m);
      const h = await fetchTrustedHead(server, store);
      heads.push(h.sth.head.size);
      expect(store.record?.checkpoint?.head.size).toBe(BigInt(Math.max(...server.marked)));
    }
    expect(server.consistencyAsked).toEqual([
      [9n, 13n],
      [13n, 22n],
      [21n, 31n],
    ]);
    for (const [oldSize, newSize] of server.consistencyAsked) {
      expect(server.everListed.has(oldSize)).toBe(true);
      expect(heads).toContain(newSize); // the latest head, as the server itself served it
    }
    // The browser's own heads that were no checkpoint (7, 15) never left it.
    const asked = server.consistencyAsked.flatMap(([a]) => [a]);
    expect(asked).not.toContain(7n);
    expect(asked).not.toContain(15n);
  });

  it('stops at a rollback, and keeps the newer head it had', async () => {
    const server = new FakeServer(makeLog(1, 30), 20).mark(20);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store);
    server.size = 19;
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(19 entries\) than it showed this browser before \(20 entries\)/);
    expect(store.record?.treeHead?.head.size).toBe(20n);
    expect(store.record?.checkpoint?.head.size).toBe(20n);
    // A signed checkpoint beyond the head it is listed with: the log was larger than shown.
    server.size = 21;
    server.marked = [25];
    server.checkpointProof = () => [];
    server.checkpoints = async () => ({ latest: server.head(21), checkpoints: [{ sth: server.head(25), consistency: [] }] });
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(21 entries\) than it showed this browser before \(25 entries\)/);
    expect(store.record?.treeHead?.head.size).toBe(20n);
    expect(server.consistencyAsked).toEqual([]);
  });

  it('stops at a fork: the same size with another root, or a larger tree that does not extend the old one', async () => {
    const store = new MemoryStore();
    await fetchTrustedHead(new FakeServer(makeLog(1, 30), 20).mark(20), store);
    const other = makeLog(2, 30); // the same key (TestLog(4)), another history
    // The same size, another root: checked locally.
    await stopsWith(fetchTrustedHead(new FakeServer(other, 20), store), FORK);
    // A larger tree of the other history, the stored checkpoint (20) no longer listed: proven
    // from it, and the proof (of the other tree) does not check against the stored root.
    const forked = new FakeServer(other, 25).mark(25);
    await stopsWith(fetchTrustedHead(forked, store), FORK);
    expect(forked.consistencyAsked).toEqual([[20n, 25n]]);
    // A server that answers with a proof for the right sizes but of another tree.
    const liar = new FakeServer(makeLog(1, 30), 25).mark(23);
    liar.consistency = async (a, b) => other.tree.consistency(Number(a), Number(b));
    await stopsWith(fetchTrustedHead(liar, store), FORK);
    // A server that cannot answer with a proof for those sizes.
    const mute = new FakeServer(makeLog(1, 30), 25);
    mute.consistency = async () => {
      throw verificationFailed('the server answered with a consistency proof for other sizes');
    };
    await stopsWith(fetchTrustedHead(mute, store), /could not prove that its public log still holds everything/);
    expect(store.record?.treeHead?.head.size).toBe(20n);
    expect(store.record?.checkpoint?.head.size).toBe(20n);
    // The same size with another root, where the stored checkpoint (18) still checks: a history
    // that forks after it. Caught against the last head, locally.
    const store2 = new MemoryStore();
    await fetchTrustedHead(new FakeServer(makeLog(1, 30), 20).mark(18), store2);
    const branch = makeLog(1, 17); // the same first 18 entries
    for (let i = 0; i < 13; i++) branch.append(new Uint8Array([0xf0, i]));
    const branched = new FakeServer(branch, 20).mark(18);
    await stopsWith(fetchTrustedHead(branched, store2), FORK);
    expect(branched.consistencyAsked).toEqual([]);
  });

  it('stops at a fork when the stored checkpoint is listed with another root', async () => {
    const store = new MemoryStore();
    await fetchTrustedHead(new FakeServer(makeLog(1, 30), 20).mark(18), store);
    expect(store.record?.checkpoint?.head.size).toBe(18n);
    // The other history lists a checkpoint of 18 entries (its own, correctly proven to its own
    // head): the head (25) is new to this browser, but the checkpoint is not.
    const forked = new FakeServer(makeLog(2, 30), 25).mark(18).mark(22);
    await stopsWith(fetchTrustedHead(forked, store), FORK);
    expect(forked.consistencyAsked).toEqual([]);
    // So is a listed checkpoint of the size of the last head this browser accepted: here a
    // history that forks after the stored checkpoint (18 entries) and before that head (20).
    const store2 = new MemoryStore();
    await fetchTrustedHead(new FakeServer(makeLog(1, 30), 20).mark(18), store2);
    const branch = makeLog(1, 17); // the same first 18 entries
    for (let i = 0; i < 13; i++) branch.append(new Uint8Array([0xf0, i]));
    const branched = new FakeServer(branch, 25).mark(18).mark(20);
    await stopsWith(fetchTrustedHead(branched, store2), FORK);
    expect(branched.consistencyAsked).toEqual([]);
    expect(store.record?.treeHead?.head.size).toBe(20n);
    expect(store2.record?.treeHead?.head.size).toBe(20n);
  });

  it('stops at a fork when a listed checkpoint’s consistency proof does not check, even on first use', async () => {
    const log = makeLog(1, 30);
    const other = makeLog(2, 30);
    const store = new MemoryStore();
    const server = new FakeServer(log, 20).mark(16).mark(20);
    await fetchTrustedHead(server, store);
    server.size = 26;
    server.mark(24);
    // One of the listed proofs (24 → 26) is of another tree; the others are right.
    server.checkpointProof = (cp, size) => (cp === 24 ? other.tree.consistency(cp, size) : log.tree.consistency(cp, size));
    await stopsWith(fetchTrustedHead(server, store), FORK);
    expect(store.record?.treeHead?.head.size).toBe(20n);
    expect(store.record?.checkpoint?.head.size).toBe(20n);
    // A proof with a hash changed, or cut short.
    server.checkpointProof = (cp, size) => {
      const p = log.tree.consistency(cp, size);
      return cp === 20 ? [new Uint8Array(32), ...p.slice(1)] : p;
    };
    await stopsWith(fetchTrustedHead(server, store), FORK);
    server.checkpointProof = (cp, size) => log.tree.consistency(cp, size).slice(1);
    await stopsWith(fetchTrustedHead(server, store), FORK);
    // A browser that never looked before refuses it too, and pins nothing.
    const fresh = new MemoryStore();
    await stopsWith(fetchTrustedHead(server, fresh), FORK);
    expect(fresh.record).toBeNull();
    // The honest answer is accepted again.
    server.checkpointProof = (cp, size) => log.tree.consistency(cp, size);
    await fetchTrustedHead(server, store);
    expect(store.record?.checkpoint?.head.size).toBe(24n);
    expect(server.consistencyAsked).toEqual([]);
  });

  it('never moves its checkpoint backwards when the server lists only an older one', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 20).mark(15).mark(20);
    const store = new MemoryStore();
    const first = await fetchTrustedHead(server, store);
    expect(first.checkpointSize).toBe(20n);
    expect(first.checkpoint).toEqual(server.head(20));
    // The log grows; the server now lists only the older checkpoint (15), which checks. The
    // stored one (20) has left the list: proven a prefix of the new head from its own size, and
    // kept — an organization state must still be complete up to it, not up to 15.
    server.size = 24;
    server.marked = [15];
    const h = await fetchTrustedHead(server, store);
    expect(h.sth.head.size).toBe(24n);
    expect(h.checkpointSize).toBe(20n);
    expect(h.checkpoint).toEqual(server.head(20));
    expect(server.consistencyAsked).toEqual([[20n, 24n]]);
    expect(store.record?.treeHead?.head.size).toBe(24n);
    expect(store.record?.checkpoint).toEqual(server.head(20));
    // Listing none at all changes nothing either (the stored one is proven again).
    server.marked = [];
    const again = await fetchTrustedHead(server, store);
    expect(again.checkpointSize).toBe(20n);
    expect(store.record?.checkpoint).toEqual(server.head(20));
    expect(server.consistencyAsked).toEqual([[20n, 24n], [20n, 24n]]);
    // A newer checkpoint listed again: taken.
    server.size = 26;
    server.marked = [15, 20, 25];
    const later = await fetchTrustedHead(server, store);
    expect(later.checkpointSize).toBe(25n);
    expect(later.checkpoint).toEqual(server.head(25));
    expect(store.record?.checkpoint?.head.size).toBe(25n);
  });

  it('refuses a log that shows no checkpoint when none is stored, pinning nothing', async () => {
    const server = new FakeServer(makeLog(1, 30), 20);
    const store = new MemoryStore();
    await stopsWith(fetchTrustedHead(server, store), /shows no checkpoint of its public log, so this browser cannot tell whether it leaves something out\. Nothing was sent/);
    expect(store.record).toBeNull();
    expect(server.consistencyAsked).toEqual([]);
    // A key pinned before, without a head or a checkpoint yet: refused too, and kept as it was.
    await trustLogKey(server.log.key.publicKey, store);
    await stopsWith(fetchTrustedHead(server, store), /shows no checkpoint/);
    expect(store.record?.treeHead).toBeNull();
    // Once the server lists one, the flow goes on.
    server.mark(18);
    const h = await fetchTrustedHead(server, store);
    expect([h.checkpointSize, h.checkpoint]).toEqual([18n, server.head(18)]);
  });

  it('adopts a record of an earlier version (a head, no checkpoint) without sending its size', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 20);
    const head17 = server.head(17);
    const store = new MemoryStore();
    // The record as the previous version of these pages wrote it.
    store.record = trustRecordFromText(dumpJson({ log_public_key: toHex(log.key.publicKey), tree_head: signedTreeHeadToJson(head17) }));
    expect(store.record?.treeHead).toEqual(head17);
    expect(store.record?.checkpoint).toBeNull();
    // Still checked locally: a rollback below it stops the flow.
    server.size = 16;
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(16 entries\)/);
    server.size = 20;
    server.mark(12);
    const h = await fetchTrustedHead(server, store);
    expect(h.firstUse).toBe(false);
    expect(store.record?.checkpoint?.head.size).toBe(12n);
    expect(server.consistencyAsked).toEqual([]); // 17, its own size, never sent
  });

  it('stops when the log is signed by another key, and trusts an announced new key on request', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(10);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store);
    const newKey = generateSignKeyPair(new SeededRng(77));
    server.signer = newKey;
    const e = await stopsWith(fetchTrustedHead(server, store), /public log is now signed by another key than the one this browser trusted before/);
    expect(e).toBeInstanceOf(LogKeyChangedError);
    expect((e as LogKeyChangedError).pinnedKey).toEqual(log.key.publicKey);
    expect((e as LogKeyChangedError).servedKey).toEqual(newKey.publicKey);
    await trustLogKey(newKey.publicKey, store);
    expect(store.record?.checkpoint).toBeNull();
    const h = await fetchTrustedHead(server, store);
    expect(h.logKey).toEqual(newKey.publicKey);
    expect(h.firstUse).toBe(false);
    expect(store.record?.checkpoint?.head.size).toBe(10n);
  });

  it('stops at a head or a checkpoint its own key did not sign, without pinning anything on first use', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(10);
    const store = new MemoryStore();
    // The server names its key but signs with another.
    server.signer = generateSignKeyPair(new SeededRng(78));
    server.key = async () => log.key.publicKey;
    await stopsWith(fetchTrustedHead(server, store), /a state of its public log that its own key did not sign/);
    expect(store.record).toBeNull();
    server.signer = log.key;
    await fetchTrustedHead(server, store);
    server.signer = generateSignKeyPair(new SeededRng(79));
    const e = await stopsWith(fetchTrustedHead(server, store), /its own key did not sign/);
    expect(e).not.toBeInstanceOf(LogKeyChangedError);
    // The latest head signed by the log's key, a checkpoint by another.
    server.signer = log.key;
    server.size = 12;
    const honest = await server.checkpoints();
    const stranger = generateSignKeyPair(new SeededRng(80));
    const cp = honest.checkpoints[0]!;
    server.checkpoints = async () => ({
      latest: honest.latest,
      checkpoints: [{ ...cp, sth: signTreeHead(cp.sth.head, stranger.secretKey) }],
    });
    await stopsWith(fetchTrustedHead(server, store), /its own key did not sign/);
    expect(store.record?.treeHead?.head.size).toBe(10n);
  });

  it('stores its record as strict JSON text, the checkpoint optional', () => {
    const log = makeLog(1, 3);
    const server = new FakeServer(log);
    const head = server.head();
    const checkpoint = server.head(2);
    const text = trustRecordToText({ logKey: log.key.publicKey, treeHead: head, checkpoint, witnessedHead: null });
    expect(text).not.toMatch(/witnessed/);
    expect(trustRecordFromText(text)).toEqual({ logKey: log.key.publicKey, treeHead: head, checkpoint, witnessedHead: null });
    const old = trustRecordToText({ logKey: log.key.publicKey, treeHead: head, checkpoint: null, witnessedHead: null });
    expect(old).not.toMatch(/checkpoint/); // as earlier versions wrote it, and read
    expect(trustRecordFromText(old)).toEqual({ logKey: log.key.publicKey, treeHead: head, checkpoint: null, witnessedHead: null });
    expect(trustRecordFromText(trustRecordToText({ logKey: log.key.publicKey, treeHead: null, checkpoint: null, witnessedHead: null }))).toEqual({
      logKey: log.key.publicKey,
      treeHead: null,
      checkpoint: null,
      witnessedHead: null,
    });
    // With a witnessed head, as the command line names it.
    const witnessed = server.head(1);
    const full = trustRecordToText({ logKey: log.key.publicKey, treeHead: head, checkpoint, witnessedHead: witnessed });
    expect(full).toMatch(/"witnessed_tree_head":\{/);
    expect(trustRecordFromText(full)).toEqual({ logKey: log.key.publicKey, treeHead: head, checkpoint, witnessedHead: witnessed });
    expect(trustRecordFromText(full.replace('"witnessed_tree_head":{', '"witnessed_tree_head":{"extra":1,'))).toBeNull();
    expect(trustRecordFromText('{"log_public_key":"00"}')).toBeNull();
    expect(trustRecordFromText('not json')).toBeNull();
    expect(trustRecordFromText(text.replace('"tree_head"', '"extra":1,"tree_head"'))).toBeNull();
    expect(trustRecordFromText(text.replace('"checkpoint":{', '"checkpoint":{"extra":1,'))).toBeNull();
    expect(trustRecordFromText(text.replace('"tree_head"', '"checkpoint":null,"tree_head"'))).toBeNull(); // a repeated key
  });
});

// Three witnesses this browser trusts, and one it does not know.
const [wA, wB, wC, stranger] = [1, 2, 3, 4].map((i) => generateSignKeyPair(new SeededRng(600 + i))) as [SignKeyPair, SignKeyPair, SignKeyPair, SignKeyPair];
const policy = (threshold?: number): WitnessPolicy => ({ keys: [wA, wB, wC].map((w) => w.publicKey), threshold: threshold ?? 3 });

describe('trusting the log with witnesses', () => {
  it('uses the largest checkpoint cosigned by enough of the witnesses, not the latest head', async () => {
    const log = makeLog(1, 30);
    // Checkpoints 10 (cosigned by A, B, C), 15 (A, B), 20 (A), 25 (none); the latest head 28.
    const server = new FakeServer(log, 28).mark(10).mark(15).mark(20).mark(25);
    server.cosign(10, wA, wB, wC).cosign(15, wA, wB).cosign(20, wA);
    for (const [k, size, cosigned] of [[3, 10n, 3], [2, 15n, 2], [1, 20n, 1]] as const) {
      const store = new MemoryStore(policy(k));
      const h = await fetchTrustedHead(server, store);
      expect(h.sth.head.size).toBe(size);
      expect(h.sth).toEqual(server.head(Number(size)));
      expect(h.firstUse).toBe(true);
      expect(h.witnessed).toEqual({ cosigned, of: 3 });
      expect([h.checkpoint, h.checkpointSize]).toEqual([h.sth, size]);
      // Kept in its own field; no plain head or checkpoint taken.
      expect(store.record?.witnessedHead).toEqual(h.sth);
      expect(store.record?.treeHead).toBeNull();
      expect(store.record?.checkpoint).toBeNull();
    }
    // All of them by default.
    const all = await fetchTrustedHead(server, new MemoryStore(witnessPolicyFromText(`{"keys":[${policy().keys.map((k) => `"${toHex(k)}"`).join(',')}]}`)));
    expect(all.sth.head.size).toBe(10n);
    expect(server.consistencyAsked).toEqual([]);

    // The log grows and the witnesses cosign the newer checkpoints: each new witnessed head is
    // proven to extend the one stored, asking from its (checkpoint) size.
    const store = new MemoryStore(policy(2));
    await fetchTrustedHead(server, store);
    expect(store.record?.witnessedHead?.head.size).toBe(15n);
    server.cosign(25, wB, wC);
    server.size = 31;
    server.mark(30).cosign(30, wA);
    const h = await fetchTrustedHead(server, store);
    expect(h.sth.head.size).toBe(25n);
    expect(h.firstUse).toBe(false);
    expect(server.consistencyAsked).toEqual([[15n, 25n]]);
    // The same witnessed head again: compared locally.
    await fetchTrustedHead(server, store);
    expect(server.consistencyAsked).toEqual([[15n, 25n]]);
    for (const [a, b] of server.consistencyAsked) {
      expect(server.everListed.has(a)).toBe(true);
      expect(server.everListed.has(b)).toBe(true);
    }
  });

  it('stops when too few of the witnesses cosigned any listed checkpoint, storing nothing', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 28).mark(10).mark(15).mark(20).mark(25);
    server.cosign(15, wA, wB).cosign(20, wC).cosign(25, wA);
    const store = new MemoryStore(policy());
    const e = await stopsWith(fetchTrustedHead(server, store), /no recent state of the public log is confirmed by 3 of your 3 witnesses \(the best is confirmed by 2\)/);
    expect(e.message).toMatch(/try again in a few minutes, or the server is showing you a log they have not seen/);
    expect(store.record).toBeNull();
    // The witnessed checkpoint has left the list (the four newest are not cosigned enough).
    const ok = new MemoryStore(policy(2));
    await fetchTrustedHead(server, ok);
    expect(ok.record?.witnessedHead?.head.size).toBe(15n);
    server.size = 30;
    server.mark(27).mark(29);
    await stopsWith(fetchTrustedHead(server, ok), /confirmed by 2 of your 3 witnesses \(the best is confirmed by 1\)/);
    expect(ok.record?.witnessedHead?.head.size).toBe(15n);
    // One witness, one key.
    await stopsWith(fetchTrustedHead(server, new MemoryStore({ keys: [stranger.publicKey], threshold: 1 })), /confirmed by your one witness \(the best is confirmed by 0\)/);
  });

  it('counts nothing for cosignatures of unknown witnesses, invalid ones, or ones of another checkpoint', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 22).mark(20);
    const good = (w: SignKeyPair) => cosignTreeHead(log.key.publicKey, server.head(20).head, 1790000020n, w);
    const badSignature = { ...good(wA), signature: good(wA).signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const otherTime = { ...good(wC), timestamp: 1790000021n }; // signed for another time
    const ofAnotherSize = cosignTreeHead(log.key.publicKey, server.head(19).head, 1790000020n, wC); // pasted
    const ofAnotherLog = cosignTreeHead(generateSignKeyPair(new SeededRng(90)).publicKey, server.head(20).head, 1790000020n, wA);
    const claimed = { ...good(stranger), witness: wA.publicKey }; // a stranger's signature under A's name
    const list = [good(stranger), badSignature, otherTime, ofAnotherSize, ofAnotherLog, claimed, good(wB), good(wB), good(wB)];
    server.cosignaturesOf = () => list;
    const store = new MemoryStore(policy(2));
    await stopsWith(fetchTrustedHead(server, store), /confirmed by 2 of your 3 witnesses \(the best is confirmed by 1\)/);
    expect(store.record).toBeNull();
    // One more valid cosignature of a configured witness, and it counts.
    server.cosignaturesOf = () => [...list, good(wC)];
    const h = await fetchTrustedHead(server, store);
    expect(h.sth.head.size).toBe(20n);
    expect(h.witnessed).toEqual({ cosigned: 2, of: 3 });
    // A checkpoint the log's key did not sign counts nothing, however many cosign it.
    const fresh = new MemoryStore(policy(1));
    const forged = signTreeHead(server.head(21).head, stranger.secretKey);
    server.checkpoints = async () => ({
      latest: server.head(22),
      checkpoints: [{ sth: forged, consistency: [], cosignatures: [wA, wB, wC].map((w) => cosignTreeHead(log.key.publicKey, forged.head, 1n, w)) }],
    });
    await stopsWith(fetchTrustedHead(server, fresh), /confirmed by 1 of your 3 witnesses \(the best is confirmed by 0\)/);
  });

  it('refuses a forked log whose checkpoints carry the real cosignatures pasted in, and a fork that fooled the witnesses', async () => {
    const real = new FakeServer(makeLog(1, 30), 22).mark(15).mark(20).cosign(15, wA, wB, wC).cosign(20, wA, wB, wC);
    const seen = new MemoryStore(policy(2));
    await fetchTrustedHead(real, seen);
    expect(seen.record?.witnessedHead?.head.size).toBe(20n);
    // The other history (the same log key), listing checkpoints of the same sizes and newer,
    // with the real checkpoints' cosignatures pasted in: none verifies over its roots.
    const forked = new FakeServer(makeLog(2, 30), 26).mark(15).mark(20).mark(25);
    forked.cosignaturesOf = (size) => real.cosigned.get(size) ?? real.cosigned.get(20);
    const fresh = new MemoryStore(policy(2));
    await stopsWith(fetchTrustedHead(forked, fresh), /confirmed by 2 of your 3 witnesses \(the best is confirmed by 0\)/);
    expect(fresh.record).toBeNull();
    // The browser that saw the real log sees the fork first: its checkpoint of 20 entries, signed
    // by the log's key, has another root than the witnessed head stored.
    await stopsWith(fetchTrustedHead(forked, seen), FORK);
    expect(seen.record?.witnessedHead?.head.size).toBe(20n);
    expect(forked.consistencyAsked).toEqual([]);
    // Witnesses fooled into cosigning the fork: the browser that saw the real log still refuses
    // it — locally while the fork's checkpoint of 20 entries is listed …
    forked.cosignaturesOf = (size) => forked.cosigned.get(size);
    forked.cosign(25, wA, wB).cosign(20, wA, wB);
    await stopsWith(fetchTrustedHead(forked, seen), FORK);
    // … and, once that one has left the list, the proof from the stored head does not check.
    forked.listed = 1;
    await stopsWith(fetchTrustedHead(forked, seen), FORK);
    expect(forked.consistencyAsked).toEqual([[20n, 25n]]);
    expect(seen.record?.witnessedHead?.head.size).toBe(20n);
  });

  it('refuses a rollback of the witnessed head, and checks the latest head against it without witnesses', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 26).mark(15).mark(20).cosign(15, wA, wB, wC).cosign(20, wA, wB, wC);
    const store = new MemoryStore(policy(2));
    await fetchTrustedHead(server, store);
    expect(store.record?.witnessedHead?.head.size).toBe(20n);
    // The checkpoint of 20 entries is no longer shown: only the older witnessed one.
    server.marked = [15];
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(15 entries\) than it showed this browser before \(20 entries\)/);
    expect(store.record?.witnessedHead?.head.size).toBe(20n);
    expect(server.consistencyAsked).toEqual([]);
    // Without witnesses now: a latest head smaller than the witnessed one is a rollback too.
    store.policy = null;
    server.size = 18;
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(18 entries\) than it showed this browser before \(20 entries\)/);
    server.size = 26;
    server.marked = [15, 20];
    const h = await fetchTrustedHead(server, store);
    expect(h.sth.head.size).toBe(26n);
    expect(h.witnessed).toBeNull();
    expect(store.record?.witnessedHead?.head.size).toBe(20n); // kept for when witnesses return
  });

  it('accepts a plain checkpoint newer than the witnessed one when it extends it, and proves an older one too', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 30).mark(18).mark(24).mark(28);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store); // without witnesses: the head 30, the checkpoint 28
    expect(store.record?.checkpoint?.head.size).toBe(28n);
    // Witnesses configured; they have cosigned only 24 so far (behind the newest, 28): proven a
    // prefix of the stored checkpoint — sizes 24 and 28, both checkpoints, never 30.
    store.policy = policy(2);
    server.cosign(24, wA, wB);
    const h = await fetchTrustedHead(server, store);
    expect(h.sth.head.size).toBe(24n);
    expect(server.consistencyAsked).toEqual([[24n, 28n]]);
    expect(store.record?.treeHead?.head.size).toBe(30n);
    expect(store.record?.checkpoint?.head.size).toBe(28n);
    expect(store.record?.witnessedHead?.head.size).toBe(24n);
    // A proof of another tree for those sizes: a fork.
    const other = makeLog(2, 30);
    const honest = server.consistency.bind(server);
    server.consistency = async (a, b) => {
      server.consistencyAsked.push([a, b]);
      return other.tree.consistency(Number(a), Number(b));
    };
    const store2 = new MemoryStore();
    store2.record = { ...store.record!, witnessedHead: null };
    store2.policy = policy(2);
    await stopsWith(fetchTrustedHead(server, store2), FORK);
    expect(store2.record?.witnessedHead).toBeNull();
    server.consistency = honest;
    // The witnesses catch up past the plain checkpoint: the stored checkpoint is proven a prefix
    // of the new witnessed head, and so is the stored witnessed head.
    server.consistencyAsked = [];
    server.cosign(28, wA, wB, wC);
    const later = await fetchTrustedHead(server, store);
    expect(later.sth.head.size).toBe(28n);
    expect(server.consistencyAsked).toEqual([[24n, 28n]]); // (28 → 28: compared locally)
    server.size = 31;
    server.mark(31).cosign(31, wB, wC);
    server.consistencyAsked = [];
    await fetchTrustedHead(server, store);
    expect(server.consistencyAsked).toEqual([[28n, 31n]]);
    expect(store.record?.witnessedHead?.head.size).toBe(31n);
    // The latest head this browser took without witnesses (30) was never sent.
    expect(server.consistencyAsked.flat()).not.toContain(30n);
  });

  it('stops at a latest head its pinned key did not sign, as without witnesses', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 22).mark(20).cosign(20, wA, wB, wC);
    const store = new MemoryStore(policy());
    await fetchTrustedHead(server, store);
    const newKey = generateSignKeyPair(new SeededRng(77));
    server.signer = newKey;
    await stopsWith(fetchTrustedHead(server, store), /now signed by another key/);
    await trustLogKey(newKey.publicKey, store);
    expect(store.record?.witnessedHead).toBeNull();
  });
});

describe('the witness policy', () => {
  const keys = [wA, wB, wC].map((w) => toHex(w.publicKey));

  it('is stored as strict JSON text', () => {
    const p = { keys: [wA.publicKey, wB.publicKey], threshold: 1 };
    const text = witnessPolicyToText(p);
    expect(text).toBe(`{"keys":["${keys[0]}","${keys[1]}"],"threshold":1}`);
    expect(witnessPolicyFromText(text)).toEqual(p);
    expect(witnessPolicyFromText(`{"keys":["${keys[0]}","${keys[1]}"]}`)).toEqual({ ...p, threshold: 2 }); // all by default
    for (const bad of [
      '',
      'null',
      '[]',
      '{}',
      '{"keys":[]}',
      `{"keys":["${keys[0]}"],"threshold":0}`,
      `{"keys":["${keys[0]}"],"threshold":2}`,
      `{"keys":["${keys[0]}"],"threshold":1.0}`,
      `{"keys":["${keys[0]}"],"threshold":"1"}`,
      `{"keys":["${keys[0]}"],"threshold":-1}`,
      `{"keys":["${keys[0]}","${keys[0]}"],"threshold":1}`,
      `{"keys":["${keys[0]!.toUpperCase()}"],"threshold":1}`,
      `{"keys":["${keys[0]!.slice(2)}"],"threshold":1}`,
      `{"keys":["${keys[0]}"],"threshold":1,"extra":1}`,
      `{"keys":["${keys[0]}"],"threshold":1,"threshold":1}`,
      `{"keys":"${keys[0]}","threshold":1}`,
    ]) {
      expect(() => witnessPolicyFromText(bad), bad).toThrow(CandorError);
    }
  });

  it('reads the keys a member pastes, one a line, and says plainly what is wrong', () => {
    const ok = witnessKeysFromLines(`  ${keys[0]}\n\n${keys[1]!.toUpperCase()}\r\n${keys[2]}  \n`);
    expect(ok.problems).toEqual([]);
    expect(ok.keys).toEqual([wA.publicKey, wB.publicKey, wC.publicKey]);
    const bad = witnessKeysFromLines([keys[0], keys[0]!.slice(1), `w1=${keys[1]}`, keys[2]!.replace(/^../, 'zz'), keys[0]].join('\n'));
    expect(bad.keys).toEqual([wA.publicKey]);
    expect(bad.problems).toEqual([
      'Line 2 is not a witness key: a key is exactly 64 characters long, this line has 63.',
      'Line 3 is not a witness key: a key has only the digits 0–9 and the letters a–f (no spaces, names or punctuation).',
      'Line 4 is not a witness key: a key has only the digits 0–9 and the letters a–f (no spaces, names or punctuation).',
      'Line 5 repeats the key on line 1.',
    ]);
    expect(witnessKeysFromLines(' \n\n').problems).toEqual(['Enter at least one witness key, one per line.']);
  });

  it('lives in localStorage per origin; a damaged one stops every flow', async () => {
    const items = new Map<string, string>();
    const fake = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    const g = globalThis as { localStorage?: unknown };
    const before = g.localStorage;
    g.localStorage = fake;
    try {
      expect(loadWitnessPolicy()).toBeNull();
      saveWitnessPolicy({ keys: [wA.publicKey, wB.publicKey], threshold: 2 });
      expect(items.get(WITNESS_POLICY_KEY)).toBe(`{"keys":["${keys[0]}","${keys[1]}"],"threshold":2}`);
      expect(await browserTrustStore.witnessPolicy()).toEqual({ keys: [wA.publicKey, wB.publicKey], threshold: 2 });
      expect(() => saveWitnessPolicy({ keys: [wA.publicKey], threshold: 2 })).toThrow(CandorError);
      items.set(WITNESS_POLICY_KEY, '{"keys":[],"threshold":1}');
      await expect(browserTrustStore.witnessPolicy()).rejects.toThrow(/witness setting stored in this browser is damaged/);
      const server = new FakeServer(makeLog(1, 10)).mark();
      await expect(fetchTrustedHead(server, { ...browserTrustStore, load: async () => null, save: async () => undefined })).rejects.toThrow(/damaged/);
      saveWitnessPolicy(null);
      expect(items.has(WITNESS_POLICY_KEY)).toBe(false);
      expect(loadWitnessPolicy()).toBeNull();
    } finally {
      g.localStorage = before;
    }
  });
});

describe('the log key a member entered', () => {
  // A server whose every answer is counted, and whose GET /log/key fails the test.
  function counting(server: FakeServer): { asked: string[] } {
    const asked: string[] = [];
    const checkpoints = server.checkpoints.bind(server);
    server.key = async () => {
      asked.push('key');
      throw new Error('GET /log/key must not be asked with an entered key');
    };
    server.checkpoints = async () => {
      asked.push('checkpoints');
      return checkpoints();
    };
    return { asked };
  }

  it('is pinned without asking the server for its key, and is not a first use', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(10);
    const { asked } = counting(server);
    const store = new MemoryStore().enter(log.key.publicKey);
    const h = await fetchTrustedHead(server, store);
    expect(h.firstUse).toBe(false);
    expect(h.logKey).toEqual(log.key.publicKey);
    expect(h.sth).toEqual(server.head(10));
    expect(store.record?.logKey).toEqual(log.key.publicKey);
    expect(store.record?.checkpoint?.head.size).toBe(10n);
    // Again, now with the pin: the same key, the same rules.
    server.size = 12;
    server.mark();
    const again = await fetchTrustedHead(server, store);
    expect([again.firstUse, again.sth.head.size]).toEqual([false, 12n]);
    // With witnesses too.
    server.cosign(12, wA);
    const w = await fetchTrustedHead(server, Object.assign(new MemoryStore(policy(1)), { record: store.record }).enter(log.key.publicKey));
    expect([w.firstUse, w.sth.head.size, w.witnessed]).toEqual([false, 12n, { cosigned: 1, of: 3 }]);
    const fresh = await fetchTrustedHead(server, new MemoryStore(policy(1)).enter(log.key.publicKey));
    expect(fresh.firstUse).toBe(false);
    expect(asked).not.toContain('key');
  });

  it('stops before anything is fetched when it is not the pinned key, and trusting it settles that', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(10);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store); // pinned on first use
    const other = generateSignKeyPair(new SeededRng(81));
    store.enter(other.publicKey);
    const { asked } = counting(server);
    const e = await stopsWith(
      fetchTrustedHead(server, store),
      /the log key you entered under “Log key” on the “My letters and keys” page \([0-9a-f]{16}…\) is not the key this browser has trusted for this server until now \([0-9a-f]{16}…\)\. Nothing was sent\. Check the key with your organization/,
    );
    expect(e).toBeInstanceOf(LogKeyMismatchError);
    expect((e as LogKeyMismatchError).pinnedKey).toEqual(log.key.publicKey);
    expect((e as LogKeyMismatchError).enteredKey).toEqual(other.publicKey);
    expect(e.message).toContain(toHex(other.publicKey).slice(0, 16));
    expect(e.message).toContain(toHex(log.key.publicKey).slice(0, 16));
    expect(asked).toEqual([]);
    expect(store.record?.logKey).toEqual(log.key.publicKey); // the pin stays as it was
    // With witnesses too.
    await stopsWith(fetchTrustedHead(server, Object.assign(new MemoryStore(policy(1)), { record: store.record }).enter(other.publicKey)), /is not the key this browser has trusted/);
    expect(asked).toEqual([]);
    // The organization announced `other`, and the server now signs with it: the member trusts
    // the key they entered (the pin is replaced, its heads dropped).
    server.signer = other;
    await trustLogKey((e as LogKeyMismatchError).enteredKey, store);
    const h = await fetchTrustedHead(server, store);
    expect([h.logKey, h.firstUse]).toEqual([other.publicKey, false]);
    expect(asked).toEqual(['checkpoints']);
  });

  it('stops when the server’s head is not signed by it, without asking the server for its key and pinning nothing', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10).mark(10);
    const { asked } = counting(server);
    const entered = generateSignKeyPair(new SeededRng(82)).publicKey;
    // Nothing pinned yet: the server's log, signed by its own key, is not the entered key's.
    const store = new MemoryStore().enter(entered);
    const e = await stopsWith(
      fetchTrustedHead(server, store),
      /the server’s public log is not signed by the log key you entered under “Log key” on the “My letters and keys” page\. .*Nothing was sent\. Check the key with your organization/,
    );
    expect(e).not.toBeInstanceOf(LogKeyChangedError);
    expect(store.record).toBeNull();
    // Pinned and entered alike, the server now signing with another key.
    const pinned = new MemoryStore().enter(log.key.publicKey);
    await fetchTrustedHead(server, pinned);
    server.signer = generateSignKeyPair(new SeededRng(83));
    const changed = await stopsWith(fetchTrustedHead(server, pinned), /not signed by the log key you entered/);
    expect(changed).not.toBeInstanceOf(LogKeyChangedError);
    expect(pinned.record?.treeHead?.head.size).toBe(10n);
    // With witnesses too.
    await stopsWith(fetchTrustedHead(server, Object.assign(new MemoryStore(policy(1)), { record: pinned.record }).enter(log.key.publicKey)), /not signed by the log key you entered/);
    expect(asked).not.toContain('key');
  });

  it('is stored as strict JSON text', () => {
    const key = generateSignKeyPair(new SeededRng(84)).publicKey;
    const hex = toHex(key);
    const text = explicitLogKeyToText(key);
    expect(text).toBe(`{"log_public_key":"${hex}"}`);
    expect(explicitLogKeyFromText(text)).toEqual(key);
    for (const bad of [
      '',
      'null',
      '[]',
      '{}',
      `"${hex}"`,
      `{"log_public_key":"${hex.toUpperCase()}"}`,
      `{"log_public_key":"${hex.slice(2)}"}`,
      `{"log_public_key":" ${hex}"}`,
      `{"log_public_key":"${hex}","extra":1}`,
      `{"log_public_key":"${hex}","log_public_key":"${hex}"}`,
      `{"log_public_key":null}`,
      `{"log_public_key":["${hex}"]}`,
    ]) {
      expect(() => explicitLogKeyFromText(bad), bad).toThrow(CandorError);
    }
  });

  it('reads the key a member pastes, and says plainly what is wrong', () => {
    const key = generateSignKeyPair(new SeededRng(85)).publicKey;
    const hex = toHex(key);
    expect(logKeyFromInput(hex)).toEqual({ key, problem: null });
    expect(logKeyFromInput(`  \n${hex.toUpperCase()}\r\n `)).toEqual({ key, problem: null });
    const problem = (text: string) => logKeyFromInput(text).problem;
    expect(problem('')).toBe('Enter the log key your organization publishes: 64 characters, only the digits 0–9 and the letters a–f.');
    expect(problem(' \n ')).toBe(problem(''));
    const notHex = 'This is not a log key: a key has only the digits 0–9 and the letters a–f (no spaces, names or punctuation).';
    for (const bad of [`key=${hex}`, `${hex.slice(0, 32)} ${hex.slice(32)}`, hex.replace(/^./, 'g'), `0x${hex}`]) expect(problem(bad), bad).toBe(notHex);
    expect(problem(hex.slice(1))).toBe('This is not a log key: a key is exactly 64 characters long, this one has 63.');
    expect(problem(`${hex}00`)).toBe('This is not a log key: a key is exactly 64 characters long, this one has 66.');
  });

  it('lives in localStorage per origin; a damaged one stops every flow', async () => {
    const items = new Map<string, string>();
    const fake = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    };
    const g = globalThis as { localStorage?: unknown };
    const before = g.localStorage;
    g.localStorage = fake;
    try {
      const log = makeLog(1, 10);
      const hex = toHex(log.key.publicKey);
      expect(loadExplicitLogKey()).toBeNull();
      expect(await browserTrustStore.explicitLogKey()).toBeNull();
      saveExplicitLogKey(log.key.publicKey);
      expect(items.get(EXPLICIT_LOG_KEY)).toBe(`{"log_public_key":"${hex}"}`);
      expect(await browserTrustStore.explicitLogKey()).toEqual(log.key.publicKey);
      expect(() => saveExplicitLogKey(log.key.publicKey.slice(1))).toThrow(CandorError);
      const server = new FakeServer(log).mark();
      const { asked } = counting(server);
      const noPin = { ...browserTrustStore, load: async () => null, save: async () => undefined };
      for (const damaged of ['', `{"log_public_key":"${hex.toUpperCase()}"}`, `{"log_public_key":"${hex}","x":1}`, `{"key":"${hex}"}`, hex]) {
        items.set(EXPLICIT_LOG_KEY, damaged);
        await expect(browserTrustStore.explicitLogKey(), damaged).rejects.toThrow(
          'Candor stopped here: the log key stored in this browser is damaged, so it cannot check the server’s public log against it. ' +
            'Enter your organization’s log key again (or remove it) under “Log key” on the “My letters and keys” page.',
        );
        await expect(fetchTrustedHead(server, noPin), damaged).rejects.toThrow(/log key stored in this browser is damaged/);
      }
      expect(asked).toEqual([]); // stopped before anything was fetched
      saveExplicitLogKey(null);
      expect(items.has(EXPLICIT_LOG_KEY)).toBe(false);
      expect(loadExplicitLogKey()).toBeNull();
    } finally {
      g.localStorage = before;
    }
  });
});

// `server`'s organization states with the organization's leaf of the log state `leaves` (the
// one its newest checkpoint ends with) as "state", as a server of this version sends them.
function withOrganizationLeaf(server: FakeServer, leaves: readonly Uint8Array[]): LogSource {
  return {
    orgState: async (slug: string, size: bigint) => {
      const o = parseJson(await server.orgState(slug, size)) as JsonObject;
      o.set('state', parseJson(dumpJson(stateLeafProofToJson(proveStateLeaf(leaves, organizationLeaf(slug))))));
      return utf8(dumpJson(o));
    },
  } as unknown as LogSource;
}

describe('the organization state at the trusted head', () => {
  it('is fetched at that head and verified against the pinned key', async () => {
    const log = makeLog(3, 21);
    log.append({ kind: 'roster-epoch', slug: 'state', version: 21n });
    log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 2n, username: 'ann', boxPublic: generateMemberKeys(new SeededRng(4)).box.publicKey });
    const leaves = appendLogState(log); // the checkpoint ends with its log state
    const server = new FakeServer(log).mark();
    const store = new MemoryStore();
    const head = await fetchTrustedHead(server, store);
    const state = await fetchOrgState('state', head, withOrganizationLeaf(server, leaves));
    expect(state.epochVersions).toEqual([21n]);
    expect(state.reviewers.map((r) => r.username)).toEqual(['ann']);
    expect(state.treeHead.head.size).toBe(head.sth.head.size);
    expect(state.completeAt).toBe(head.checkpointSize);
  });

  it('is refused in plain words when it is of another head, another log or incomplete', async () => {
    const log = makeLog(3, 21);
    // (A checkpoint without a log state: each refusal below comes before completeness.)
    const server = new FakeServer(log).mark();
    const head = await fetchTrustedHead(server, new MemoryStore());
    // Another head of the same log.
    const older = { ...server, orgState: (slug: string) => server.orgState(slug, 15n) } as unknown as LogSource;
    const e = await stopsWith(fetchOrgState('state', head, older), /could not be confirmed against its public log/);
    expect(e.message).toMatch(/not of the 22 entries this browser checked/);
    // A state that leaves out a roster version.
    const gap = {
      orgState: async (slug: string, size: bigint) => {
        const text = new TextDecoder().decode(await server.orgState(slug, size));
        const o = JSON.parse(text) as { entries: unknown[] };
        o.entries.splice(3, 1);
        return utf8(JSON.stringify(o));
      },
    } as unknown as LogSource;
    await stopsWith(fetchOrgState('state', head, gap), /For an expert: organization state entry 3 .*out of sequence/);
    // Another log's key.
    const stranger = { ...head, logKey: generateSignKeyPair(new SeededRng(6)).publicKey };
    await stopsWith(fetchOrgState('state', stranger, server), /not the pinned log key/);
    // The state of another organization than the one asked for.
    const swapped = { orgState: (_slug: string, size: bigint) => server.orgState('state', size) } as unknown as LogSource;
    await stopsWith(fetchOrgState('usaid', head, swapped), /the server sent the state of 'state', not of 'usaid'/);
  });

  it('must prove itself complete up to the newest checkpoint this browser accepted (its log state)', async () => {
    const log = makeLog(3, 21);
    log.append({ kind: 'roster-epoch', slug: 'state', version: 21n });
    const leaves = appendLogState(log);
    const cpSize = log.entries.length; // the checkpoint ends with its log state
    log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 2n, username: 'ann', boxPublic: generateMemberKeys(new SeededRng(4)).box.publicKey });
    const server = new FakeServer(log).mark(cpSize);
    // The server's answer with the organization's leaf of the log state ("state"), or without
    // the log state at all.
    const answer = (change: (o: JsonObject) => void) =>
      ({
        orgState: async (slug: string, size: bigint) => {
          const o = parseJson(await server.orgState(slug, size)) as JsonObject;
          change(o);
          return utf8(dumpJson(o));
        },
      }) as unknown as LogSource;
    const leaf = parseJson(dumpJson(stateLeafProofToJson(proveStateLeaf(leaves, organizationLeaf('state')))));
    const withState = answer((o) => o.set('state', leaf));
    const withoutLogState = answer((o) =>
      o.set('entries', (o.get('entries') as JsonObject[]).filter((e) => BigInt((e.get('index') as { integer: bigint }).integer) !== BigInt(cpSize - 1))),
    );
    expect(decodeLogEntry(log.entries[cpSize - 1]!).kind).toBe('log-state');

    const head = await fetchTrustedHead(server, new MemoryStore());
    expect(head.checkpointSize).toBe(BigInt(cpSize));
    expect(head.sth.head.size).toBe(BigInt(cpSize + 1));
    const state = await fetchOrgState('state', head, withState);
    expect([state.completeAt, state.reviewers.length]).toEqual([BigInt(cpSize), 1]);
    await stopsWith(fetchOrgState('state', head, server), /For an expert: the organization state holds a log state but not its leaf/);
    await stopsWith(
      fetchOrgState('state', head, withoutLogState),
      /For an expert: the organization state does not prove it is complete \(it holds no log state\)/,
    );
    // A checkpoint newer than the answer's log state (the server showed an older one).
    await stopsWith(
      fetchOrgState('state', { ...head, checkpointSize: BigInt(cpSize + 1) }, withState),
      new RegExp(`proven complete only up to tree size ${cpSize}, older than the newest checkpoint \\(${cpSize + 1}\\)`),
    );
    // A server that lists only an older checkpoint (here: none) does not lower the bar: the
    // stored checkpoint stays the one a state must reach.
    const store = new MemoryStore();
    await fetchTrustedHead(server, store);
    const unlisting = new FakeServer(log);
    const kept = await fetchTrustedHead(unlisting, store);
    expect(kept.checkpointSize).toBe(BigInt(cpSize));
    await stopsWith(fetchOrgState('state', kept, withoutLogState), /does not prove it is complete/);
    // No checkpoint at all: refused before any state is asked for.
    await stopsWith(fetchTrustedHead(new FakeServer(log), new MemoryStore()), /shows no checkpoint/);
    // With witnesses, the checkpoint is the head itself.
    server.cosign(cpSize, wA, wB, wC);
    const witnessed = await fetchTrustedHead(server, new MemoryStore(policy(3)));
    expect([witnessed.sth.head.size, witnessed.checkpointSize]).toEqual([BigInt(cpSize), BigInt(cpSize)]);
    expect((await fetchOrgState('state', witnessed, withState)).completeAt).toBe(BigInt(cpSize));
    await stopsWith(fetchOrgState('state', witnessed, withoutLogState), /does not prove it is complete/);
  });
});
