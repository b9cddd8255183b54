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
  // Every field is required but "cable_retention_days" and "time_zone" (absent in settings
  // written before them).
  const o = onlyFields(j, 'settings', ['policy', 'min_ring_size', 'use_us_federal_holidays', 'cable_retention_days', 'time_zone']);
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
