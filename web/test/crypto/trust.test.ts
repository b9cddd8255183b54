// Trusting the log in the browser (web/src/trust.ts, docs/PROTOCOL.md "Trusting the log"):
// the pin on first use, no rollback, no fork, consistency proofs, a changed key, and the
// organization state fetched at the trusted head — against logs built here, through the
// injected LogSource and TrustStore (no server, no localStorage).
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { utf8 } from '../../src/crypto/bytes.js';
import { CandorError } from '../../src/crypto/errors.js';
import { generateSignKeyPair, type SignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson } from '../../src/crypto/json.js';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { orgStateToJson } from '../../src/crypto/org_state.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { signTreeHead, type SignedTreeHead } from '../../src/crypto/tree_head.js';
import {
  fetchOrgState,
  fetchTrustedHead,
  LogKeyChangedError,
  trustLogKey,
  trustRecordFromText,
  trustRecordToText,
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

// A server that serves `log` at size `size` (settable), signed with `signer`.
class FakeServer implements LogSource {
  size: number;
  signer: SignKeyPair;
  consistencyAsked: [bigint, bigint][] = [];
  constructor(
    public log: TestLog,
    size?: number,
  ) {
    this.size = size ?? log.entries.length;
    this.signer = log.key;
  }
  head(size = this.size): SignedTreeHead {
    return signTreeHead({ size: BigInt(size), root: this.log.tree.root(size), timestampMs: 1790000000000n + BigInt(size) }, this.signer.secretKey);
  }
  async key() {
    return this.signer.publicKey;
  }
  async treeHead() {
    return this.head();
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

describe('trusting the log', () => {
  it('pins the key on first use, then checks each newer head for consistency', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10);
    const store = new MemoryStore();
    const first = await fetchTrustedHead(server, store);
    expect(first.firstUse).toBe(true);
    expect(first.sth.head.size).toBe(10n);
    expect(store.record?.logKey).toEqual(log.key.publicKey);
    expect(store.record?.treeHead?.head.size).toBe(10n);

    const same = await fetchTrustedHead(server, store);
    expect(same.firstUse).toBe(false);
    expect(server.consistencyAsked).toEqual([]);

    for (const size of [11, 16, 17, 31]) {
      server.size = size;
      const h = await fetchTrustedHead(server, store);
      expect(h.sth.head.size).toBe(BigInt(size));
      expect(store.record?.treeHead?.head.size).toBe(BigInt(size));
    }
    expect(server.consistencyAsked).toEqual([
      [10n, 11n],
      [11n, 16n],
      [16n, 17n],
      [17n, 31n],
    ]);
  });

  it('stops at a rollback, and keeps the newer head it had', async () => {
    const server = new FakeServer(makeLog(1, 30), 20);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store);
    server.size = 19;
    await stopsWith(fetchTrustedHead(server, store), /older state of its public log \(19 entries\) than it showed this browser before \(20 entries\)/);
    expect(store.record?.treeHead?.head.size).toBe(20n);
  });

  it('stops at a fork: the same size with another root, or a larger tree that does not extend the old one', async () => {
    const store = new MemoryStore();
    await fetchTrustedHead(new FakeServer(makeLog(1, 30), 20), store);
    const other = makeLog(2, 30); // the same key (TestLog(4)), another history
    await stopsWith(fetchTrustedHead(new FakeServer(other, 20), store), /its history was rewritten/);
    await stopsWith(fetchTrustedHead(new FakeServer(other, 25), store), /could not prove that its public log still holds everything/);
    // A server that answers with a proof for the right sizes but of another tree.
    const liar = new FakeServer(makeLog(1, 30), 25);
    liar.consistency = async (a, b) => other.tree.consistency(Number(a), Number(b));
    await stopsWith(fetchTrustedHead(liar, store), /could not prove/);
    expect(store.record?.treeHead?.head.size).toBe(20n);
  });

  it('stops when the log is signed by another key, and trusts an announced new key on request', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10);
    const store = new MemoryStore();
    await fetchTrustedHead(server, store);
    const newKey = generateSignKeyPair(new SeededRng(77));
    server.signer = newKey;
    const e = await stopsWith(fetchTrustedHead(server, store), /public log is now signed by another key than the one this browser trusted before/);
    expect(e).toBeInstanceOf(LogKeyChangedError);
    expect((e as LogKeyChangedError).pinnedKey).toEqual(log.key.publicKey);
    expect((e as LogKeyChangedError).servedKey).toEqual(newKey.publicKey);
    await trustLogKey(newKey.publicKey, store);
    const h = await fetchTrustedHead(server, store);
    expect(h.logKey).toEqual(newKey.publicKey);
    expect(h.firstUse).toBe(false);
  });

  it('stops at a head its own key did not sign, without pinning anything on first use', async () => {
    const log = makeLog(1, 30);
    const server = new FakeServer(log, 10);
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
  });

  it('stores its record as strict JSON text', () => {
    const log = makeLog(1, 3);
    const head = new FakeServer(log).head();
    const text = trustRecordToText({ logKey: log.key.publicKey, treeHead: head });
    expect(trustRecordFromText(text)).toEqual({ logKey: log.key.publicKey, treeHead: head });
    expect(trustRecordFromText(trustRecordToText({ logKey: log.key.publicKey, treeHead: null }))).toEqual({ logKey: log.key.publicKey, treeHead: null });
    expect(trustRecordFromText('{"log_public_key":"00"}')).toBeNull();
    expect(trustRecordFromText('not json')).toBeNull();
    expect(trustRecordFromText(text.replace('"tree_head"', '"extra":1,"tree_head"'))).toBeNull();
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
