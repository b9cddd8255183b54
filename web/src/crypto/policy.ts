// Organization slugs, names and settings as log entries carry them (docs/PROTOCOL.md "Log
// entries", "Settings JSON"; src/domain/policy.h — the parts a verifier needs).
//
// Settings travel as canonical JSON text (nlohmann's dump(): keys in byte order, no spaces);
// an entry is accepted only if its text is exactly the canonical text of what it says, so
// settingsFromCanonicalJsonText re-encodes and compares, like the C++ decoder.
// Deadline arithmetic (calendars) is not here: a verifier only needs to check the rules.
import { isValidUtf8, utf8 } from './bytes.js';
import { invalidArgument, withContext } from './errors.js';
import {
  dumpJson,
  field,
  onlyFields,
  optionalField,
  stringField,
  JsonNumber,
  parseJson,
  type JsonInput,
  type JsonValue,
} from './json.js';

export type PeriodUnit = 'working-days' | 'calendar-days' | 'calendar-months';

export interface Period {
  amount: number;
  unit: PeriodUnit;
}

export interface DeadlinePolicy {
  name: string;
  acknowledge: Period;
  answer: Period;
  extendedAnswer: Period | null;
}

export interface OrganizationSettings {
  policy: DeadlinePolicy;
  minRingSize: number;
  useUsFederalHolidays: boolean;
  // Days after its answer a cable's ciphertext is kept; 0 or absent: kept (policy.h).
  cableRetentionDays?: number;
  // The organization's IANA time zone; absent: "UTC" (policy.h, ValidateTimeZoneName).
  timeZone?: string;
  // The organization's channels (CableChannel), in the order authors see them; absent: none.
  channels?: CableChannel[];
}

// A channel (topic) of cables with its own reviewers (policy.h, CableChannel).
export interface CableChannel {
  id: string; // validateChannelId
  name: string; // 1 … 100 bytes of UTF-8, no control characters
  reviewers: number[]; // reviewer account ids, strictly increasing, 1 … 256 of them
}

export const MAX_CABLE_CHANNELS = 32;
export const MAX_CHANNEL_ID_BYTES = 32;
export const MAX_CHANNEL_NAME_BYTES = 100;
export const MAX_CHANNEL_REVIEWERS = 256;

// ValidateChannelId: 1 to 32 of a-z, 0-9, '-', not starting or ending with '-'.
export function validateChannelId(id: string): void {
  if (!/^[a-z0-9-]{1,32}$/.test(id) || id.startsWith('-') || id.endsWith('-')) {
    throw invalidArgument(`a channel's id has 1 to ${MAX_CHANNEL_ID_BYTES} lowercase letters a-z, digits and '-', not at either end`);
  }
}

function validateChannels(channels: readonly CableChannel[]): void {
  if (channels.length > MAX_CABLE_CHANNELS) throw invalidArgument(`at most ${MAX_CABLE_CHANNELS} channels`);
  const ids = new Set<string>();
  for (const c of channels) {
    validateChannelId(c.id);
    if (ids.has(c.id)) throw invalidArgument(`two channels have the id '${c.id}'`);
    ids.add(c.id);
    validateText(utf8(c.name), `the name of channel '${c.id}'`, MAX_CHANNEL_NAME_BYTES);
    if (c.reviewers.length === 0 || c.reviewers.length > MAX_CHANNEL_REVIEWERS) {
      throw invalidArgument(`channel '${c.id}' must have 1 to ${MAX_CHANNEL_REVIEWERS} reviewers`);
    }
    c.reviewers.forEach((r, i) => {
      if (!Number.isSafeInteger(r) || r < 1 || (i > 0 && r <= c.reviewers[i - 1]!)) {
        throw invalidArgument(`the reviewers of channel '${c.id}' must be account ids (from 1) in increasing order, each once`);
      }
    });
  }
}

function channelsFromJson(j: JsonValue): CableChannel[] {
  if (!Array.isArray(j) || j.length === 0) {
    throw invalidArgument('settings.channels must be a non-empty array (leave it out for none)');
  }
  if (j.length > MAX_CABLE_CHANNELS) throw invalidArgument(`at most ${MAX_CABLE_CHANNELS} channels`);
  return j.map((c) => {
    const o = onlyFields(c, 'settings.channels[]', ['id', 'name', 'reviewers']);
    const id = field(o, 'settings.channels[]', 'id');
    const name = field(o, 'settings.channels[]', 'name');
    const reviewers = field(o, 'settings.channels[]', 'reviewers');
    if (typeof id !== 'string' || typeof name !== 'string') {
      throw invalidArgument("a channel's id and name must be strings");
    }
    if (!Array.isArray(reviewers) || reviewers.length > MAX_CHANNEL_REVIEWERS) {
      throw invalidArgument(`a channel's reviewers must be an array of at most ${MAX_CHANNEL_REVIEWERS} account ids`);
    }
    return {
      id,
      name,
      reviewers: reviewers.map((a) => {
        if (!(a instanceof JsonNumber) || a.integer === undefined || a.integer < 0n) {
          throw invalidArgument("a channel's reviewers must be account ids (whole numbers from 1)");
        }
        return Number(a.integer);
      }),
    };
  });
}

// The form of an IANA time zone name (ValidateTimeZoneName): 1 to 64 bytes of A-Z, a-z, 0-9,
// '_', '+', '-' in non-empty parts separated by '/', no part "." or "..".
export function validateTimeZoneName(name: string): void {
  const parts = name.split('/');
  const ok =
    name.length >= 1 &&
    name.length <= 64 &&
    parts.every((p) => p.length > 0 && p !== '.' && p !== '..' && /^[A-Za-z0-9_+-]+$/.test(p));
  if (!ok) {
    throw invalidArgument("the time zone must be an IANA time zone name such as 'Europe/Brussels' or 'America/New_York'");
  }
}

export const MAX_CABLE_RETENTION_DAYS = 36_600; // kMaxCableRetentionDays: a hundred years

export const MAX_WORKING_DAYS = 261;
export const MAX_CALENDAR_DAYS = 366;
export const MAX_CALENDAR_MONTHS = 12;
export const MIN_RING_SIZE_FLOOR = 2;
export const MIN_RING_SIZE_CEILING = 1_000_000;
const MAX_POLICY_NAME_BYTES = 64;
const MAX_SLUG_CHARS = 63;
const MAX_ORGANIZATION_NAME_BYTES = 200;

// --- slugs and names ---

// 1 … 63 bytes of a-z, 0-9 and '-', not beginning or ending with '-'. 'invalid argument'.
export function validateOrganizationSlugBytes(slug: Uint8Array): void {
  if (slug.length === 0) throw invalidArgument("the organization's slug is empty");
  if (slug.length > MAX_SLUG_CHARS) {
    throw invalidArgument(`the organization's slug is longer than ${MAX_SLUG_CHARS} characters`);
  }
  for (const c of slug) {
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
    if (!ok) {
      throw invalidArgument(
        "the organization's slug may contain only lowercase letters a-z, digits and '-'",
      );
    }
  }
  if (slug[0] === 0x2d || slug[slug.length - 1] === 0x2d) {
    throw invalidArgument("the organization's slug may not begin or end with '-'");
  }
}

export function validateOrganizationSlug(slug: string): void {
  let bytes: Uint8Array;
  try {
    bytes = utf8(slug);
  } catch {
    throw invalidArgument(
      "the organization's slug may contain only lowercase letters a-z, digits and '-'",
    );
  }
  validateOrganizationSlugBytes(bytes);
}

function isBlank(b: Uint8Array): boolean {
  for (const c of b) {
    if (!(c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c || c === 0x0b)) {
      return false;
    }
  }
  return true;
}

// True iff `b` holds an ASCII control character (below 0x20, tab and newlines included, or DEL).
export function hasControlCharacter(b: Uint8Array): boolean {
  for (const c of b) if (c < 0x20 || c === 0x7f) return true;
  return false;
}

// A short stored label (ValidateText): 1 … maxBytes of UTF-8, not blank, no control character.
export function validateText(text: Uint8Array, what: string, maxBytes: number): void {
  if (text.length === 0 || isBlank(text)) throw invalidArgument(`${what} is empty`);
  if (text.length > maxBytes) throw invalidArgument(`${what} is longer than ${maxBytes} bytes`);
  if (!isValidUtf8(text)) throw invalidArgument(`${what} is not valid UTF-8`);
  if (hasControlCharacter(text)) throw invalidArgument(`${what} contains a control character`);
}

// 1 … 200 bytes of UTF-8, not blank, no control characters.
export function validateOrganizationNameBytes(name: Uint8Array): void {
  validateText(name, "the organization's name", MAX_ORGANIZATION_NAME_BYTES);
}

// --- usernames ---

const MAX_USERNAME_CHARS = 64;

// A staff account's username (ValidateUsername): 1 … 64 bytes of a-z, 0-9, '.', '_' and '-'.
// Reviewers' usernames are logged ("reviewer" entries), so the rule is part of the log's
// format. 'invalid argument'.
export function validateUsernameBytes(name: Uint8Array): void {
  if (name.length === 0 || name.length > MAX_USERNAME_CHARS) {
    throw invalidArgument(`a username has 1 to ${MAX_USERNAME_CHARS} characters`);
  }
  for (const c of name) {
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x5f || c === 0x2d;
    if (!ok) throw invalidArgument("a username may use only a-z, 0-9, '.', '_' and '-'");
  }
}

// --- settings ---

const UNITS: readonly PeriodUnit[] = ['working-days', 'calendar-days', 'calendar-months'];

function maxAmount(unit: PeriodUnit): number {
  return unit === 'working-days'
    ? MAX_WORKING_DAYS
    : unit === 'calendar-days'
      ? MAX_CALENDAR_DAYS
      : MAX_CALENDAR_MONTHS;
}

function validatePeriod(p: Period, path: string): void {
  if (p.amount < 1) throw invalidArgument(`${path} must be at least 1`);
  const max = maxAmount(p.unit);
  if (p.amount > max) throw invalidArgument(`${path} may be at most ${max} ${p.unit}`);
}

export function validateDeadlinePolicy(policy: DeadlinePolicy): void {
  validateText(utf8(policy.name), "the policy's name", MAX_POLICY_NAME_BYTES);
  validatePeriod(policy.acknowledge, 'the acknowledgement period');
  validatePeriod(policy.answer, 'the answer period');
  if (policy.acknowledge.unit === 'calendar-months') {
    throw invalidArgument('the acknowledgement period must be in working or calendar days');
  }
  if (
    policy.acknowledge.unit === policy.answer.unit &&
    policy.acknowledge.amount >= policy.answer.amount
  ) {
    throw invalidArgument('the acknowledgement period must be shorter than the answer period');
  }
  const ext = policy.extendedAnswer;
  if (ext) {
    validatePeriod(ext, 'the extended answer period');
    if (ext.unit !== policy.answer.unit) {
      throw invalidArgument(
        `the extended answer period must be in the answer period's unit (${policy.answer.unit})`,
      );
    }
    if (ext.amount <= policy.answer.amount) {
      throw invalidArgument('the extended answer period must be longer than the answer period');
    }
  }
}

export function validateOrganizationSettings(settings: OrganizationSettings): void {
  validateDeadlinePolicy(settings.policy);
  if (
    !Number.isInteger(settings.minRingSize) ||
    settings.minRingSize < MIN_RING_SIZE_FLOOR ||
    settings.minRingSize > MIN_RING_SIZE_CEILING
  ) {
    throw invalidArgument(
      `the minimum ring size must be between ${MIN_RING_SIZE_FLOOR} and ${MIN_RING_SIZE_CEILING}`,
    );
  }
  const days = settings.cableRetentionDays ?? 0;
  if (!Number.isInteger(days) || days < 0 || days > MAX_CABLE_RETENTION_DAYS) {
    throw invalidArgument(
      `the cable retention period must be between 1 and ${MAX_CABLE_RETENTION_DAYS} days, or 0 to keep cables`,
    );
  }
  validateTimeZoneName(settings.timeZone ?? 'UTC');
  validateChannels(settings.channels ?? []);
}

function getInt(v: JsonValue | undefined, path: string, lo: number, hi: number): number {
  if (!(v instanceof JsonNumber) || v.integer === undefined) {
    throw invalidArgument(`${path} must be a whole number`);
  }
  const n = v.integer;
  if (n < 0n && lo >= 0) throw invalidArgument(`${path} must not be negative`);
  if (n < BigInt(lo) || n > BigInt(hi)) {
    throw invalidArgument(`${path} must be between ${lo} and ${hi}`);
  }
  return Number(n);
}

function periodFromJson(j: JsonValue, path: string): Period {
  const o = onlyFields(j, path, ['amount', 'unit']);
  const amount = field(o, path, 'amount');
  const name = stringField(o, path, 'unit');
  const unit = UNITS.find((u) => u === name);
  if (unit === undefined) {
    throw invalidArgument(
      `${path}.unit: unit must be 'working-days', 'calendar-days' or 'calendar-months', got '${name.slice(0, 40)}'`,
    );
  }
  return { unit, amount: getInt(amount, `${path}.amount`, 1, maxAmount(unit)) };
}

function deadlinePolicyFromJson(j: JsonValue): DeadlinePolicy {
  // Every field is required; "extended_answer" is null when the policy allows no extension.
  const o = onlyFields(j, 'policy', ['name', 'acknowledge', 'answer', 'extended_answer']);
  const name = stringField(o, 'policy', 'name');
  const ack = field(o, 'policy', 'acknowledge');
  const ans = field(o, 'policy', 'answer');
  const ext = field(o, 'policy', 'extended_answer');
  const acknowledge = periodFromJson(ack, 'policy.acknowledge');
  const answer = periodFromJson(ans, 'policy.answer');
  const extendedAnswer = ext === null ? null : periodFromJson(ext, 'policy.extended_answer');
  const policy = { name, acknowledge, answer, extendedAnswer };
  withContext('policy', () => validateDeadlinePolicy(policy));
  return policy;
}

// The strict reader of OrganizationSettingsFromJson.
export function organizationSettingsFromJson(j: JsonValue): OrganizationSettings {
  // Every field is required but "cable_retention_days", "time_zone" and "channels" (absent in
  // settings written before them, and left out when at their default).
  const o = onlyFields(j, 'settings', ['policy', 'min_ring_size', 'use_us_federal_holidays', 'cable_retention_days', 'time_zone', 'channels']);
  const policyJson = field(o, 'settings', 'policy');
  const minRing = field(o, 'settings', 'min_ring_size');
  const holidays = field(o, 'settings', 'use_us_federal_holidays');
  const retention = optionalField(o, 'cable_retention_days');
  const cableRetentionDays =
    retention === undefined ? 0 : getInt(retention, 'settings.cable_retention_days', 0, MAX_CABLE_RETENTION_DAYS);
  const zone = optionalField(o, 'time_zone');
  let timeZone = 'UTC';
  if (zone !== undefined) {
    if (typeof zone !== 'string') throw invalidArgument('settings.time_zone must be a string');
    validateTimeZoneName(zone);
    timeZone = zone;
  }
  const channelsJson = optionalField(o, 'channels');
  const channels = channelsJson === undefined ? undefined : channelsFromJson(channelsJson);
  const policy = deadlinePolicyFromJson(policyJson);
  const minRingSize = getInt(
    minRing,
    'settings.min_ring_size',
    MIN_RING_SIZE_FLOOR,
    MIN_RING_SIZE_CEILING,
  );
  if (typeof holidays !== 'boolean') {
    throw invalidArgument('settings.use_us_federal_holidays must be true or false');
  }
  const settings: OrganizationSettings = { policy, minRingSize, useUsFederalHolidays: holidays };
  if (cableRetentionDays !== 0) settings.cableRetentionDays = cableRetentionDays;
  if (timeZone !== 'UTC') settings.timeZone = timeZone;
  if (channels !== undefined) settings.channels = channels;
  validateOrganizationSettings(settings);
  return settings;
}

function periodToJson(p: Period) {
  return { amount: p.amount, unit: p.unit };
}

// {"policy": {…}, "min_ring_size": 20, "use_us_federal_holidays": true}
export function organizationSettingsToJson(settings: OrganizationSettings): JsonInput {
  const j: { [key: string]: JsonInput } = {
    policy: {
      name: settings.policy.name,
      acknowledge: periodToJson(settings.policy.acknowledge),
      answer: periodToJson(settings.policy.answer),
      extended_answer: settings.policy.extendedAnswer
        ? periodToJson(settings.policy.extendedAnswer)
        : null,
    },
    min_ring_size: settings.minRingSize,
    use_us_federal_holidays: settings.useUsFederalHolidays,
  };
  // Written only when set, as OrganizationSettingsToJson does.
  if ((settings.cableRetentionDays ?? 0) !== 0) j['cable_retention_days'] = settings.cableRetentionDays!;
  if ((settings.timeZone ?? 'UTC') !== 'UTC') j['time_zone'] = settings.timeZone!;
  if ((settings.channels ?? []).length > 0) {
    j['channels'] = settings.channels!.map((c) => ({ id: c.id, name: c.name, reviewers: [...c.reviewers] }));
  }
  return j;
}

// The canonical JSON text (nlohmann dump()). REQUIRES: valid settings.
export function organizationSettingsToJsonText(settings: OrganizationSettings): string {
  return dumpJson(organizationSettingsToJson(settings));
}

// Settings from the bytes a log entry carries: valid JSON, valid settings, and exactly their
// canonical text. 'invalid argument' otherwise.
export function organizationSettingsFromCanonicalJsonText(text: Uint8Array): OrganizationSettings {
  let j: JsonValue;
  try {
    j = parseJson(text);
  } catch {
    throw invalidArgument('the settings are not valid JSON');
  }
  const settings = organizationSettingsFromJson(j);
  const canonical = utf8(organizationSettingsToJsonText(settings));
  if (canonical.length !== text.length || canonical.some((b, i) => b !== text[i])) {
    throw invalidArgument('the settings JSON is not in canonical form');
  }
  return settings;
}
