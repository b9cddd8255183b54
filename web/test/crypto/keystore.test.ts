// The key store (keystore.ts) over its in-memory backend: only encrypted key files are kept,
// keys are created, imported, exported, unlocked, re-encrypted and deleted. (The IndexedDB
// backend runs in Chromium in browser.test.ts.)
import { describe, expect, it } from 'vitest';
import { ready } from '../../src/crypto/sodium.js';
import { KeyStore, MemoryKeyStoreBackend, type StoredKeyRecord } from '../../src/crypto/keystore.js';
import {
  changeKeyFilePassphrase,
  createMemberKeyFile,
  kdfInteractive,
  openKeyFile,
  parseKeyFile,
} from '../../src/crypto/keyfile.js';
import { toHex } from '../../src/crypto/bytes.js';
import { expectCandorError } from './helpers.js';

await ready();

class SpyBackend extends MemoryKeyStoreBackend {
  readonly written: StoredKeyRecord[] = [];
  override async put(record: StoredKeyRecord): Promise<void> {
    this.written.push({ ...record, file: record.file.slice() });
    await super.put(record);
  }
}

describe('KeyStore', () => {
  it('creates, lists, exports, unlocks, re-encrypts and deletes keys', async () => {
    const backend = new SpyBackend();
    const store = KeyStore.withBackend(backend);
    const info = await store.create('first passphrase', 'work', kdfInteractive());
    expect((await store.list()).map((k) => [k.id, k.label])).toEqual([[info.id, 'work']]);

    const file = (await store.load(info.id))!;
    expect(toHex(parseKeyFile(file).ringPublic)).toBe(info.id);
    const keys = await store.unlock(info.id, 'first passphrase');
    expect(toHex(keys.ring.publicKey)).toBe(info.ringPublic);
    expect(toHex(keys.box.publicKey)).toBe(info.boxPublic);
    await expect(store.unlock(info.id, 'wrong')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(store.unlock('00'.repeat(32), 'x')).rejects.toMatchObject({ code: 'not found' });

    // Nothing but the encrypted file and public keys was ever written.
    for (const r of backend.written) {
      const serialized = JSON.stringify({ ...r, file: toHex(r.file) });
      expect(serialized).not.toContain(toHex(keys.ring.secret));
      expect(serialized).not.toContain(toHex(keys.box.secret));
      expect(Object.keys(r).sort()).toEqual(['boxPublic', 'file', 'id', 'label', 'ringPublic', 'savedAt']);
    }

    await store.changePassphrase(info.id, 'first passphrase', 'second passphrase', kdfInteractive());
    await expect(store.unlock(info.id, 'first passphrase')).rejects.toMatchObject({ code: 'unauthenticated' });
    const again = await store.unlock(info.id, 'second passphrase');
    expect(again.ring.secret).toEqual(keys.ring.secret);

    await store.setLabel(info.id, 'renamed');
    expect((await store.list())[0]!.label).toBe('renamed');
    expect(await store.delete(info.id)).toBe(true);
    expect(await store.delete(info.id)).toBe(false);
    expect(await store.list()).toEqual([]);
  }, 60_000);

  it('imports key files, checks the passphrase when given, and refuses other bytes', async () => {
    const store = KeyStore.withBackend(new MemoryKeyStoreBackend());
    const made = createMemberKeyFile('pass', kdfInteractive());
    await expect(store.importKeyFile(made.file, 'laptop', 'not it')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await store.list()).toEqual([]);
    const info = await store.importKeyFile(made.file, 'laptop', 'pass');
    expect(info.id).toBe(toHex(made.ringPublic));
    // The same file again only relabels; another file for the same key needs overwrite.
    await store.save(made.file, 'relabelled');
    expect((await store.list())[0]!.label).toBe('relabelled');
    const keys = openKeyFile(made.file, 'pass');
    const other = changeKeyFilePassphrase(made.file, 'pass', 'new', kdfInteractive());
    await expect(store.save(other)).rejects.toMatchObject({ code: 'already exists' });
    await store.save(other, 'new file', { overwrite: true });
    expect(toHex((await store.load(info.id))!)).toBe(toHex(other));
    expect(toHex(openKeyFile((await store.load(info.id))!, 'new').ring.secret)).toBe(toHex(keys.ring.secret));
    await expect(store.save(new Uint8Array(208))).rejects.toMatchObject({ code: 'corrupt data' });
    expectCandorError(() => parseKeyFile(new Uint8Array(10)), 'corrupt data');
  }, 60_000);
});
