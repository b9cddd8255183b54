// The device record (web/src/keystore.ts): what a member's device remembers a key did — the
// letters it signed here (security review H2) and the quota slots it spent here (H1) — sealed
// under a key derived from the member's ring secret, padded, and unreadable with another key.
import { describe, expect, it } from 'vitest';
import { generateMemberKeys } from '../../src/crypto/keys.js';
import { SeededRng } from '../../src/crypto/rng.js';
import { ready } from '../../src/crypto/sodium.js';
import { toHex } from '../../src/crypto/bytes.js';
import { openDeviceRecord, sealDeviceRecord, type DeviceRecord } from '../../src/keystore.js';

await ready();

describe('the device record', () => {
  const rng = new SeededRng(21);
  const me = generateMemberKeys(rng);
  const other = generateMemberKeys(rng);
  const id = toHex(me.ring.publicKey);
  const record: DeviceRecord = { letters: ['ab'.repeat(32)], slots: [{ org: 'demo', window: 2930, slots: [1] }] };

  it('opens with its key only, and looks the same whatever it holds', () => {
    const sealed = sealDeviceRecord(me, id, record);
    expect(openDeviceRecord(me, id, sealed)).toEqual(record);
    // Another key, another id, changed bytes, nothing: an empty record, never an error.
    const empty = { letters: [], slots: [] };
    expect(openDeviceRecord(other, id, sealed)).toEqual(empty);
    expect(openDeviceRecord(me, toHex(other.ring.publicKey), sealed)).toEqual(empty);
    const changed = sealed.slice();
    changed[40]! ^= 1;
    expect(openDeviceRecord(me, id, changed)).toEqual(empty);
    expect(openDeviceRecord(me, id, undefined)).toEqual(empty);
    // Empty or not, the same size (nonce + 4 KiB + tag), and fresh bytes at every sealing.
    const blank = sealDeviceRecord(me, id, empty);
    expect(blank.length).toBe(sealed.length);
    expect(sealed.length).toBe(24 + 4096 + 16);
    expect(toHex(sealDeviceRecord(me, id, record))).not.toBe(toHex(sealed));
    // No letter id or slot in the clear.
    expect(toHex(sealed)).not.toContain('ab'.repeat(32));
  });

  it('grows by whole 4 KiB blocks', () => {
    const many: DeviceRecord = { letters: Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(64, '0')), slots: [] };
    expect((sealDeviceRecord(me, id, many).length - 40) % 4096).toBe(0);
    expect(openDeviceRecord(me, id, sealDeviceRecord(me, id, many))).toEqual(many);
  });
});
