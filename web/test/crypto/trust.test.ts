// Trusting the log in the browser (web/src/trust.ts, docs/PROTOCOL.md "Trusting the log"):
// the pin on first use, no rollback, no fork, the checkpoints and their consistency proofs, a
// changed key, and the organization state fetched at the trusted head — against logs built
// here, through the injected LogSource and TrustStore (no server, no localStorage).
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { CandorError, verificationFailed } from '../../src/crypto/errors.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson } from '../../src/crypto/json.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { orgStateToJson } from '../../src/crypto/org_state.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { signedTreeHeadToJson, signTreeHead, type SignedTreeHead } from '../../src/crypto/tree_head.js';
import {
  fetchOrgState,
  fetchTrustedHead,
  LogKeyChangedError,
  trustLogKey,
  trustRecordFromText,
  trustRecordToText,
  type LogCheckpoints,
  type LogSource,
  type TrustRecord,
  type TrustStore,
} from '../../src/trust.js';
import { addOrganization, TestLog } from './fixture.js';

await ready();

class MemoryStore implements TrustStore {
  record: TrustRecord | null = null;
  async load() {
    return this.record;
  }
  async save(r: TrustRecord) {
    // Through the text form, as the browser stores it.
    this.record = trustRecordFromText(trustRecordToText(r));
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
      checkpoints: sizes.map((s) => ({ sth: this.head(s), consistency: this.checkpointProof(s, this.size) })),
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
    const text = trustRecordToText({ logKey: log.key.publicKey, treeHead: head, checkpoint });
    expect(trustRecordFromText(text)).toEqual({ logKey: log.key.publicKey, treeHead: head, checkpoint });
    const old = trustRecordToText({ logKey: log.key.publicKey, treeHead: head, checkpoint: null });
    expect(old).not.toMatch(/checkpoint/); // as earlier versions wrote it, and read
    expect(trustRecordFromText(old)).toEqual({ logKey: log.key.publicKey, treeHead: head, checkpoint: null });
    expect(trustRecordFromText(trustRecordToText({ logKey: log.key.publicKey, treeHead: null, checkpoint: null }))).toEqual({
      logKey: log.key.publicKey,
      treeHead: null,
      checkpoint: null,
    });
    expect(trustRecordFromText('{"log_public_key":"00"}')).toBeNull();
    expect(trustRecordFromText('not json')).toBeNull();
    expect(trustRecordFromText(text.replace('"tree_head"', '"extra":1,"tree_head"'))).toBeNull();
    expect(trustRecordFromText(text.replace('"checkpoint":{', '"checkpoint":{"extra":1,'))).toBeNull();
    expect(trustRecordFromText(text.replace('"tree_head"', '"checkpoint":null,"tree_head"'))).toBeNull(); // a repeated key
  });
});

describe('the organization state at the trusted head', () => {
  it('is fetched at that head and verified against the pinned key', async () => {
    const log = makeLog(3, 21);
    log.append({ kind: 'roster-epoch', slug: 'state', version: 21n });
    log.append({ kind: 'reviewer', slug: 'state', version: 1n, accountId: 2n, username: 'ann', boxPublic: generateMemberKeys(new SeededRng(4)).box.publicKey });
    const server = new FakeServer(log);
    const store = new MemoryStore();
    const head = await fetchTrustedHead(server, store);
    const state = await fetchOrgState('state', head, server);
    expect(state.epochVersions).toEqual([21n]);
    expect(state.reviewers.map((r) => r.username)).toEqual(['ann']);
    expect(state.treeHead.head.size).toBe(head.sth.head.size);
  });

  it('is refused in plain words when it is of another head, another log or incomplete', async () => {
    const log = makeLog(3, 21);
    const server = new FakeServer(log);
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
});
