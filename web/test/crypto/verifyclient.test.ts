// "Verify it yourself" (web/src/verifyclient.ts): the public recount is anchored to the log this
// browser trusts (trust.ts) — the bundle is fetched at the newest checkpoint it accepted, must be
// of that very tree head, and must carry the pinned log key — against a log built here, the
// server and the trusted head injected, and the recount worker's own handler doing the work.
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { toHex, utf8 } from '../../src/crypto/bytes.js';
import { letterBundleToJson, type LetterBundle } from '../../src/crypto/bundle.js';
import { CandorError, type ErrorCode } from '../../src/crypto/errors.js';
import { generateSignKeyPair } from '../../src/crypto/ed25519.js';
import { dumpJson, type JsonInput } from '../../src/crypto/json.js';
import type { Letter } from '../../src/crypto/letter.js';
import { handleRecountRequest, type RecountRequest } from '../../src/crypto/recount_worker.js';
import { SeededRng } from '../../src/crypto/rng.js';
import type { SignedTreeHead } from '../../src/crypto/tree_head.js';
import { ApiError } from '../../src/api.js';
import { LogKeyChangedError, type TrustedHead } from '../../src/trust.js';
import { recount, type RecountDeps, type RecountProgress } from '../../src/verifyclient.js';
import { addOrganization, appendBatch, appendLogState, letterStateProofs, publishLetter, snapshotRings, TestLog } from './fixture.js';

await ready();

// A log of 'state' (20 members) with a letter, two batches and a checkpoint after each (the
// older one, `cp1`, holds only the first batch), then a second letter published since the
// newest checkpoint (`cp2`), then the latest head (`size`). Heads are dated an hour ago, so the
// recount's 72-hour limit passes.
const rng = new SeededRng(31);
const log = new TestLog(9);
log.timestampMs = BigInt(Date.now()) - 3_600_000n;
const state = addOrganization(log, 'state', 20, rng);
const letter: Letter = { title: 'Reconsider the audit', body: 'We ask leadership to reconsider.\n', organizations: ['state'] };
const letterId = publishLetter(log, letter, [state]);
const rings = snapshotRings([state]);
const sign = (who: number) => ({ org: state, who, action: 'sign' as const });
appendBatch(log, letterId, 1n, [sign(0), sign(1)], rng, rings);
const leaves = new Map<number, Uint8Array[]>(); // a checkpoint's size → its log state's leaves
const checkpoint = () => {
  const l = appendLogState(log);
  leaves.set(log.entries.length, l);
  return log.entries.length;
};
const cp1 = checkpoint();
appendBatch(log, letterId, 2n, [sign(2), sign(3), sign(4)], rng, rings);
const cp2 = checkpoint();
const laterAt = log.entries.length; // the later letter's index
const laterLetter = publishLetter(log, { ...letter, title: 'A later letter' }, [state]);
const size = log.entries.length;

// The log as it was at `n` entries (the same key), `timestampMs` its heads' time.
function prefix(n: number, timestampMs = log.timestampMs): TestLog {
  const p = new TestLog(9);
  p.timestampMs = timestampMs;
  for (const e of log.entries.slice(0, n)) p.append(e);
  return p;
}

function headAt(n: number, timestampMs?: bigint): SignedTreeHead {
  return prefix(n, timestampMs).bundle(letterId, []).treeHead;
}

// The bundle the server serves for `id` at tree size `n` ("state" at a checkpoint), as bytes.
function bundleAt(id: Uint8Array, n: number, timestampMs?: bigint): Uint8Array {
  const p = prefix(n, timestampMs);
  let b: LetterBundle = p.bundle(id, p.select(id));
  const l = leaves.get(n);
  if (l !== undefined) b = { ...b, state: letterStateProofs(l, id, ['state']) };
  return utf8(dumpJson(letterBundleToJson(b)));
}

// Whether the tree of `n` entries holds the letter `id` (hex).
function holds(id: string, n: number): boolean {
  return id === toHex(letterId) || n > laterAt;
}

function fromHexId(id: string): Uint8Array {
  return id === toHex(letterId) ? letterId : laterLetter;
}

// What this browser trusts: the latest head, and the newest checkpoint it accepted.
function trusted(over: Partial<TrustedHead> = {}): TrustedHead {
  return {
    logKey: log.key.publicKey,
    sth: headAt(size),
    firstUse: false,
    witnessed: null,
    checkpoint: headAt(cp2),
    checkpointSize: BigInt(cp2),
    ...over,
  };
}

// The server (bundles by size: 404 where the tree does not hold the letter), the trusted head,
// and the worker's handler run here; every bundle asked for and every request recorded.
class Fake implements RecountDeps {
  asked: [string, boolean, bigint][] = [];
  requests: RecountRequest[] = [];
  trustedHead: () => Promise<TrustedHead>;
  serve: (id: string, n: number) => Uint8Array = (id, n) => bundleAt(fromHexId(id), n);
  constructor(head: TrustedHead = trusted()) {
    this.trustedHead = async () => head;
  }
  bundle = async (id: string, withSignatures: boolean, treeSize: bigint): Promise<Uint8Array> => {
    this.asked.push([id, withSignatures, treeSize]);
    if (!holds(id, Number(treeSize))) throw new ApiError(404, 'not_found', 'No such letter.');
    return this.serve(id, Number(treeSize));
  };
  worker = (request: RecountRequest, onProgress: (done: number, total: number) => void): Promise<JsonInput> => {
    this.requests.push(request);
    return new Promise((resolve, reject) => {
      void handleRecountRequest(request, (reply) => {
        if (reply.type === 'progress') onProgress(reply.done, reply.total);
        else if (reply.type === 'done') resolve(reply.report);
        else reject(new CandorError(reply.code as ErrorCode, reply.message));
      });
    });
  };
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the recount to be refused');
}

describe('verify it yourself', () => {
  it('recounts the bundle at the newest checkpoint this browser accepted, with the pinned log key', async () => {
    const fake = new Fake();
    const phases: RecountProgress['phase'][] = [];
    const r = await recount(toHex(letterId), (p) => phases.push(p.phase), fake);
    expect(fake.asked).toEqual([[toHex(letterId), true, BigInt(cp2)]]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ letterId: toHex(letterId), logKey: toHex(log.key.publicKey), requireComplete: true, maxAgeHours: 72 });
    expect([r.total, r.batches, r.treeSize, r.complete, r.logKey]).toEqual([5, 2, cp2, true, toHex(log.key.publicKey)]);
    expect(phases[0]).toBe('download');
    expect(phases.at(-1)).toBe('verify');
  });

  it('takes a letter published since that checkpoint at the latest head, and refuses it as not proven complete', async () => {
    const fake = new Fake();
    const e = await refusal(recount(toHex(laterLetter), () => undefined, fake));
    expect(fake.asked).toEqual([
      [toHex(laterLetter), true, BigInt(cp2)],
      [toHex(laterLetter), true, BigInt(size)],
    ]);
    expect(e.message).toMatch(/did not send the log’s proof that nothing is left out of this letter’s count.*try again later/);
  });

  it('refuses a bundle of another tree head than the one it asked for: an older checkpoint, or the same size at another time', async () => {
    // The older checkpoint's bundle (complete in itself, one batch fewer) when asked for cp2.
    const older = new Fake();
    older.serve = (id) => bundleAt(fromHexId(id), cp1);
    const e = await refusal(recount(toHex(letterId), () => undefined, older));
    expect(e.message).toMatch(new RegExp(`against another state of its public log than the one this browser checked \\(${cp2} entries\\).*do not trust this letter’s count`));
    // The right size, re-signed with another time: another head.
    const resigned = new Fake();
    resigned.serve = (id, n) => bundleAt(fromHexId(id), n, log.timestampMs + 1n);
    expect((await refusal(recount(toHex(letterId), () => undefined, resigned))).message).toMatch(/another state of its public log/);
    // The honest answer for the older checkpoint, when that is the one this browser trusts.
    const r = await recount(toHex(letterId), () => undefined, new Fake(trusted({ checkpoint: headAt(cp1), checkpointSize: BigInt(cp1) })));
    expect([r.total, r.treeSize]).toEqual([2, cp1]);
  });

  it('refuses a bundle that carries another log key than the pinned one', async () => {
    const stranger = generateSignKeyPair(new SeededRng(99)).publicKey;
    const fake = new Fake(trusted({ logKey: stranger }));
    const e = await refusal(recount(toHex(letterId), () => undefined, fake));
    expect(fake.requests[0]?.logKey).toBe(toHex(stranger));
    expect(e.message).toMatch(/^The log does not prove these signatures: .*Do not trust this letter’s count/);
  });

  it('lets the trusted log’s refusal through unchanged, and then fetches nothing', async () => {
    const fake = new Fake();
    const changed = new LogKeyChangedError(log.key.publicKey, generateSignKeyPair(new SeededRng(98)).publicKey);
    fake.trustedHead = async () => {
      throw changed;
    };
    expect(await refusal(recount(toHex(letterId), () => undefined, fake))).toBe(changed);
    expect(fake.asked).toEqual([]);
  });

  it('retries only a 404, and only at a larger head', async () => {
    // Another server error: not retried.
    const down = new Fake();
    const fail = new ApiError(503, 'unavailable', 'The server had a problem.');
    down.bundle = async (id, w, n) => {
      down.asked.push([id, w, n]);
      throw fail;
    };
    expect(await refusal(recount(toHex(letterId), () => undefined, down))).toBe(fail);
    expect(down.asked).toHaveLength(1);
    // With witnesses the head is their checkpoint: a letter newer than it, said so.
    const cp = headAt(cp2);
    const witnessed = new Fake(trusted({ sth: cp, checkpoint: cp, witnessed: { cosigned: 2, of: 3 } }));
    const e = await refusal(recount(toHex(laterLetter), () => undefined, witnessed));
    expect(e.message).toMatch(/newer than the newest state of the public log your witnesses confirmed/);
    expect(witnessed.asked).toEqual([[toHex(laterLetter), true, BigInt(cp2)]]);
    // The latest head is the checkpoint (no witnesses): the server's own 404.
    const plain = new Fake(trusted({ sth: cp, checkpoint: cp }));
    const none = await refusal(recount(toHex(laterLetter), () => undefined, plain));
    expect(none).toBeInstanceOf(ApiError);
    expect(plain.asked).toHaveLength(1);
  });
});
