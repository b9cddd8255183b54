// Organization state proofs (candor-org-state-v1, docs/PROTOCOL.md "Organization state";
// src/domain/org_state.h): what a member signs a cable within and seals it to, as the log
// proves it — never as a plain JSON answer of the server says (security review H4, M2, M3).
//
//   const proof = orgStateFromJson(bytes);                    // the shape only (strict)
//   const state = verifyOrgState(proof, pinnedLogKey, 'state'); // every check below
//   cableRingFor(state, state.epochVersions[0]!, myKey);  state.reviewers   // then use it
//
// A proof is a signed tree head and the organization's roster entries ("roster-add",
// "roster-remove"), reviewer entries ("reviewer", "reviewer-key", "reviewer-removed") and
// roster epochs ("roster-epoch"), each with its RFC 9162 inclusion proof. Roster versions are
// dense (1, 2, …), so a proof that leaves out a roster change below its latest version does
// not verify; a proof that leaves out the newest entries shows an older state, which the
// server then refuses (a stale epoch, another reviewer list) — it cannot make a client sign
// within a ring or seal to a key that is not logged, where every auditor and witness sees it.
//
// An answer may also hold the `log-state` entry of a checkpoint and the organization's leaf of
// that log state (the member "state"; docs/PROTOCOL.md "Log state"): the latest roster, reviewer
// and epoch versions at the checkpoint, which the entries before it must reach — so nothing made
// before the checkpoint is left out either (rule 7). A caller that knows a checkpoint requires
// its log state or a newer one (verifyOrgState's `checkpoint`).
//
// Plain values and pure functions. Errors are CandorErrors: 'invalid argument' for a reply
// without the right shape, 'verification failed' (naming the entry: "organization state entry
// 3 (log index 41): …") when a check fails, as the C++ verifier words them.
import { bytesEqual, toHex } from './bytes.js';
import { CandorError, invalidArgument, verificationFailed } from './errors.js';
import { field, hexField, onlyFields, optionalField, parseJson, stringField, type JsonInput, type JsonValue } from './json.js';
import { bucketOf, bucketRoster, MAX_RING_SIZE } from './letter.js';
import { decodeLogEntry, toRosterEvent, type LogEvent, type LogStateEvent } from './log_entry.js';
import {
  stateLeafProofFromJson,
  stateLeafProofToJson,
  verifyStateLeaf,
  type StateLeaf,
  type StateLeafProof,
} from './log_state.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { Roster } from './roster.js';
import { sha256 } from './transcript.js';
import {
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
  verifySignedTreeHead,
  type SignedTreeHead,
} from './tree_head.js';
import { bundleEntryFromJson, bundleEntryToJson, type BundleEntry } from './bundle.js';

export const ORG_STATE_FORMAT = 'candor-org-state-v1';

// As it travels (all pages joined), parsed but not verified: holding one proves nothing.
export interface OrgStateProof {
  organization: string; // slug
  logPublicKey: Uint8Array;
  treeHead: SignedTreeHead;
  entries: BundleEntry[]; // in increasing index (checked by the verifier)
  // The organization's leaf of the log state that the `log-state` entry among `entries` commits
  // to (the optional member "state"); undefined when absent.
  state?: StateLeafProof | undefined;
}

// A reviewer who receives cables, as logged.
export interface LoggedReviewer {
  accountId: bigint;
  username: string; // '' for a key logged by the older "reviewer-key" kind
  boxPublic: Uint8Array; // X25519, 32 bytes
  logIndex: bigint; // of the entry that set this key
}

// What a verified proof says.
export interface OrgState {
  organization: string;
  treeHead: SignedTreeHead;
  roster: Roster; // every version 1 … latest logged
  // The roster versions anonymous cables may name now: the latest epoch first, then the one
  // before it; empty before the organization's first epoch.
  epochVersions: bigint[];
  // Every epoch's version, in log order (a cable names one of these; reviewers check it).
  allEpochs: bigint[];
  // Who receives cables now, by increasing account id (the order of a cable's recipients).
  reviewers: LoggedReviewer[];
  // For every account that was ever a reviewer, the index of its first "reviewer" or
  // "reviewer-key" entry (reviewer_since): a cable can be given to a reviewer only if this is
  // after the cable's "submitted" entry.
  reviewerSince: Map<bigint, bigint>;
  // The checkpoint (tree size: its `log-state` entry's index + 1) whose log state showed
  // nothing left out before it; 0n: the answer held no log state.
  completeAt: bigint;
}

// --- the JSON shape ---

const FIELDS = ['format', 'organization', 'log_public_key', 'tree_head', 'entries'] as const;

// Parses the shape strictly (OrgStateProofFromJson): exactly the members above, the optional
// "state" (exactly {"leaf", "position", "proof"}), plus a server's "page" member, which is
// ignored (paging is not part of the proof). Accepts parsed JSON, or the answer's UTF-8 bytes or
// text. Checks nothing cryptographic.
export function orgStateFromJson(input: JsonValue | string | Uint8Array): OrgStateProof {
  const j = typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
  const what = 'the organization state';
  const o = onlyFields(j, what, [...FIELDS, 'page', 'state']);
  if (stringField(o, what, 'format') !== ORG_STATE_FORMAT) {
    throw invalidArgument(`not an organization state (format '${ORG_STATE_FORMAT}')`);
  }
  const organization = stringField(o, what, 'organization');
  const logPublicKey = hexField(o, what, 'log_public_key', 32);
  const treeHeadJson = field(o, what, 'tree_head');
  const entries = field(o, what, 'entries');
  if (!Array.isArray(entries)) throw invalidArgument("'entries' in the organization state must be a list");
  const treeHead = signedTreeHeadFromJson(treeHeadJson);
  const parsed = entries.map((e, i) => bundleEntryFromJson(e, i));
  const state = optionalField(o, 'state');
  return {
    organization,
    logPublicKey,
    treeHead,
    entries: parsed,
    ...(state === undefined ? {} : { state: stateLeafProofFromJson(state, "the organization state's 'state'") }),
  };
}

export function orgStateToJson(p: OrgStateProof): JsonInput {
  return {
    format: ORG_STATE_FORMAT,
    organization: p.organization,
    log_public_key: toHex(p.logPublicKey),
    tree_head: signedTreeHeadToJson(p.treeHead),
    entries: p.entries.map(bundleEntryToJson),
    ...(p.state ? { state: stateLeafProofToJson(p.state) } : {}),
  };
}

// --- verification ---

function failed(pos: number, e: BundleEntry, message: string): CandorError {
  return verificationFailed(`organization state entry ${pos} (log index ${e.index}): ${message}`);
}

// Checks, in order (VerifyOrgState): the proof's log key is `pinnedLogKey` and signs its tree
// head; the proof names `organization`; every entry lies below the tree size, in strictly
// increasing index, is proven included, decodes strictly, belongs to the organization and is
// of the six kinds above (or a log state); roster versions come in log order 1, 2, … each a
// valid change; each epoch names a version above the previous epoch's and logged before it;
// "reviewer" and "reviewer-removed" entries carry reviewer versions 1, 2, … in log order.
// Reviewers replay:
// "reviewer"/"reviewer-key" set an account's key (and username), "reviewer-removed" takes out an
// account that was in; no two remaining accounts share a key. With a `log-state` entry (at most
// one; rule 7): its size is its own index, and the member "state" (present only with it) is a
// leaf that checks against it and is this organization's, whose roster, reviewer and epoch
// versions are the latest among the entries below the log state. When `checkpoint` is not 0, a
// log state at or after the checkpoint of that tree size is required (the newest checkpoint the
// client accepted): an answer without one is refused.
export function verifyOrgState(
  proof: OrgStateProof,
  pinnedLogKey: Uint8Array,
  organization: string,
  checkpoint = 0n,
): OrgState {
  if (!bytesEqual(proof.logPublicKey, pinnedLogKey)) {
    throw verificationFailed(
      `the organization state comes from log key ${toHex(proof.logPublicKey)}, not the pinned log key ${toHex(pinnedLogKey)}`,
    );
  }
  try {
    verifySignedTreeHead(proof.treeHead, pinnedLogKey);
  } catch (e) {
    if (!(e instanceof CandorError)) throw e;
    throw verificationFailed("the organization state's tree head is not signed by the log key");
  }
  if (proof.organization !== organization) {
    throw verificationFailed(`the server sent the state of '${proof.organization}', not of '${organization}'`);
  }
  const size = proof.treeHead.head.size;
  const roster = new Roster();
  const reviewers = new Map<bigint, LoggedReviewer>();
  const reviewerSince = new Map<bigint, bigint>();
  const epochVersions: bigint[] = [];
  const allEpochs: bigint[] = [];
  let lastEpoch = 0n;
  let reviewerVersion = 0n; // of the last "reviewer"/"reviewer-removed" entry
  // The log state, with what the entries before it reach.
  let logState: LogStateBelow | undefined;
  const nextReviewerVersion = (i: number, e: BundleEntry, version: bigint): void => {
    if (version !== reviewerVersion + 1n) {
      throw failed(i, e, `reviewer version ${version} follows version ${reviewerVersion}: a reviewer change is missing`);
    }
    reviewerVersion = version;
  };
  proof.entries.forEach((e, i) => {
    if (i > 0 && e.index <= proof.entries[i - 1]!.index) {
      throw failed(i, e, 'entries must be in strictly increasing log index');
    }
    if (e.index >= size) throw failed(i, e, 'it lies beyond the tree head');
    try {
      verifyInclusion(e.index, size, hashLeaf(e.entry), e.proof, proof.treeHead.head.root);
    } catch (err) {
      if (!(err instanceof CandorError)) throw err;
      throw failed(i, e, 'its inclusion proof does not check against the tree head');
    }
    let ev: LogEvent;
    try {
      ev = decodeLogEntry(e.entry);
    } catch (err) {
      if (!(err instanceof CandorError)) throw err;
      throw failed(i, e, err.message);
    }
    switch (ev.kind) {
      case 'roster-add':
      case 'roster-remove':
        if (ev.slug !== organization) throw failed(i, e, 'a roster entry of another organization');
        try {
          roster.apply(toRosterEvent(ev));
        } catch (err) {
          if (!(err instanceof CandorError)) throw err;
          throw failed(i, e, err.message);
        }
        return;
      case 'reviewer':
        if (ev.slug !== organization) throw failed(i, e, 'a reviewer of another organization');
        nextReviewerVersion(i, e, ev.version);
        reviewers.set(ev.accountId, { accountId: ev.accountId, username: ev.username, boxPublic: ev.boxPublic, logIndex: e.index });
        if (!reviewerSince.has(ev.accountId)) reviewerSince.set(ev.accountId, e.index);
        return;
      case 'reviewer-key':
        if (ev.slug !== organization) throw failed(i, e, 'a reviewer of another organization');
        reviewers.set(ev.accountId, { accountId: ev.accountId, username: '', boxPublic: ev.boxPublic, logIndex: e.index });
        if (!reviewerSince.has(ev.accountId)) reviewerSince.set(ev.accountId, e.index);
        return;
      case 'reviewer-removed':
        if (ev.slug !== organization) throw failed(i, e, 'a reviewer of another organization');
        nextReviewerVersion(i, e, ev.version);
        if (!reviewers.delete(ev.accountId)) throw failed(i, e, 'removes a reviewer who was not one');
        return;
      case 'roster-epoch':
        if (ev.slug !== organization) throw failed(i, e, 'a roster epoch of another organization');
        if (ev.version <= lastEpoch) throw failed(i, e, 'a roster epoch must name a newer version than the last');
        if (ev.version > roster.version) throw failed(i, e, 'a roster epoch names a version not logged before it');
        lastEpoch = ev.version;
        allEpochs.push(ev.version);
        epochVersions.unshift(ev.version);
        if (epochVersions.length > 2) epochVersions.pop();
        return;
      case 'log-state':
        if (logState !== undefined) throw failed(i, e, 'a second log state');
        if (ev.size !== e.index) {
          throw failed(i, e, 'a log state that describes another part of the log than the entries before it');
        }
        // Versions only increase in log order (checked above), so the latest are the highest.
        logState = { event: ev, roster: roster.version, reviewer: reviewerVersion, epoch: lastEpoch };
        return;
      default:
        throw failed(i, e, `an entry of a kind an organization state does not hold ('${ev.kind}')`);
    }
  });
  const completeAt = checkLogState(proof, organization, logState, checkpoint);
  const list = [...reviewers.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  // Distinct keys: a key shared by two accounts would let one of them read as the other.
  for (let i = 0; i < list.length; i++) {
    for (let k = i + 1; k < list.length; k++) {
      if (bytesEqual(list[i]!.boxPublic, list[k]!.boxPublic)) {
        throw verificationFailed(`two reviewers of '${organization}' share one key`);
      }
    }
  }
  return {
    organization: proof.organization,
    treeHead: proof.treeHead,
    roster,
    epochVersions,
    allEpochs,
    reviewers: list,
    reviewerSince,
    completeAt,
  };
}

// A `log-state` entry of the answer, with the organization's latest versions among the entries
// below it.
interface LogStateBelow {
  event: LogStateEvent;
  roster: bigint;
  reviewer: bigint;
  epoch: bigint;
}

// Rule 7 of docs/PROTOCOL.md "Organization state": the organization's leaf of the log state
// says its latest versions at the checkpoint; the entries below the log state must reach exactly
// those, so that none made before the checkpoint is left out. Returns the checkpoint's tree
// size (0n: no log state), which must reach `checkpoint` when that is not 0.
function checkLogState(proof: OrgStateProof, organization: string, logState: LogStateBelow | undefined, checkpoint: bigint): bigint {
  let completeAt = 0n;
  if (logState !== undefined) {
    if (proof.state === undefined) throw verificationFailed('the organization state holds a log state but not its leaf');
    let leaf: StateLeaf;
    try {
      leaf = verifyStateLeaf(logState.event, proof.state);
    } catch (e) {
      if (!(e instanceof CandorError)) throw e;
      throw verificationFailed(`the organization's leaf of the log state: ${e.message}`);
    }
    if (leaf.kind !== 'organization' || leaf.slug !== organization) {
      throw verificationFailed(`the log state leaf is not the leaf of '${organization}'`);
    }
    const size = logState.event.size + 1n;
    const differs = (what: string, shown: bigint, committed: bigint): void => {
      if (shown === committed) return;
      throw verificationFailed(
        `the organization state shows ${what} ${shown}, but the log state at tree size ${size} says the latest is ${committed}: entries are left out of what the server shows`,
      );
    };
    differs('roster version', logState.roster, leaf.rosterVersion);
    differs('reviewer version', logState.reviewer, leaf.reviewerVersion);
    differs('roster epoch', logState.epoch, leaf.epochVersion);
    completeAt = size;
  } else if (proof.state !== undefined) {
    throw verificationFailed('the organization state has a log state leaf but no log state');
  }
  if (checkpoint !== 0n && completeAt < checkpoint) {
    throw verificationFailed(
      completeAt === 0n
        ? 'the organization state does not prove it is complete (it holds no log state)'
        : `the organization state is proven complete only up to tree size ${completeAt}, older than the newest checkpoint (${checkpoint}): entries may be left out`,
    );
  }
  return completeAt;
}

// The rings of roster version `version` by the bucket rule (a reviewer checks that a cable's
// ring is one of them). 'not found' when the log holds no such version.
export function ringsAt(state: OrgState, version: bigint, maxRing = MAX_RING_SIZE): Uint8Array[][] {
  return bucketRoster(state.roster.members(version), maxRing);
}

// The ring a member signs a cable within: roster version `version` whole (candor-lrs-v2, what
// sealCable does by default), or, given `maxRing`, the bucket of it that holds `memberKey`
// (candor-lrs-v1). 'not found' when the key is not in that version.
export function cableRingFor(state: OrgState, version: bigint, memberKey: Uint8Array, maxRing?: number): Uint8Array[] {
  const buckets = maxRing === undefined ? [state.roster.members(version)] : ringsAt(state, version, maxRing);
  const which = bucketOf(buckets, memberKey);
  if (which === undefined) {
    throw new CandorError(
      'not found',
      `your key is not in roster version ${version} of '${state.organization}' (a member enrolled since then can write anonymously after the next batch)`,
    );
  }
  return buckets[which]!;
}

// "3f9a 1c2e 77b0 d415 09aa 5e61 c2d3 7f80": the first 16 bytes of SHA-256(key) in 8 groups of
// 4 lowercase hex digits (128 bits: no key can be ground to match another's) — the fingerprint
// every client shows for a reviewer's key (KeyFingerprint).
export function keyFingerprint(key: Uint8Array): string {
  const hex = toHex(sha256(key).subarray(0, 16));
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += 4) groups.push(hex.slice(i, i + 4));
  return groups.join(' ');
}
