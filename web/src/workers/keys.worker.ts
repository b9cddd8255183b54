// Argon2id runs here, off the page's thread: at the pinned cost (MEMLIMIT_MODERATE, 256 MiB)
// it takes a second or more, and the page must keep answering (and keep announcing progress)
// meanwhile. So does the candor-lrs-v2 signer (seconds at 10^4 members). The worker holds
// nothing between requests.
import { ready, wipe } from '../crypto/sodium.js';
import { changeKeyFilePassphrase, openKeyFile, sealKeyFile } from '../crypto/keyfile.js';
import { generateMemberKeys } from '../crypto/keys.js';
import { signLetterV2 } from '../crypto/cosignature.js';
import { sealCable } from '../cable.js';
import { Ring } from '../crypto/lrs.js';
import { isCandorError } from '../crypto/errors.js';
import type { KeyRequest, KeyResponse } from '../keyworker.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<KeyRequest>) => void) | null;
  postMessage(message: KeyResponse): void;
};

scope.onmessage = (event) => {
  const req = event.data;
  void (async () => {
    try {
      await ready();
      if (req.op === 'create') {
        // The new keys go back with their file, so that the member need not wait for
        // Argon2id a second time to use them.
        const keys = generateMemberKeys();
        const file = sealKeyFile(keys, req.passphrase);
        scope.postMessage({ id: req.id, ok: true, file, keys });
        wipe(keys.ring.secret, keys.box.secret);
      } else if (req.op === 'open') {
        const keys = openKeyFile(req.file, req.passphrase);
        scope.postMessage({ id: req.id, ok: true, keys });
        wipe(keys.ring.secret, keys.box.secret); // the page got a copy
      } else if (req.op === 'seal-cable') {
        const sealed = sealCable(req.draft, req.inputs, req.keys);
        wipe(req.keys.ring.secret, req.keys.box.secret);
        scope.postMessage({ id: req.id, ok: true, sealed });
      } else if (req.op === 'sign-v2') {
        const members: Uint8Array[] = [];
        for (let i = 0; i < req.members.length; i += 32) members.push(req.members.subarray(i, i + 32));
        const cosignature = signLetterV2(req.letterId, req.action, Ring.create(members), req.index, req.secret);
        wipe(req.secret);
        scope.postMessage({ id: req.id, ok: true, cosignature });
      } else {
        const file = changeKeyFilePassphrase(req.file, req.passphrase, req.newPassphrase);
        scope.postMessage({ id: req.id, ok: true, file });
      }
    } catch (e) {
      const code = isCandorError(e) ? e.code : 'internal error';
      const message = e instanceof Error ? e.message : String(e);
      scope.postMessage({ id: req.id, ok: false, code, message });
    }
  })();
};
