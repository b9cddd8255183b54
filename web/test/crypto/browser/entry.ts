// The page of browser.test.ts: web/src/crypto as a page uses it, exposed to the test driver.
import * as crypto from '../../../src/crypto/index.js';
import { recountInWorker } from '../../../src/crypto/recount_client.js';
import { signLetterV2InWorker } from '../../../src/keyworker.js';

declare global {
  interface Window {
    candorCrypto: typeof crypto;
    recountInWorker: typeof recountInWorker;
    signLetterV2InWorker: typeof signLetterV2InWorker;
    cryptoReady: Promise<unknown>;
  }
}

window.candorCrypto = crypto;
window.recountInWorker = recountInWorker;
window.signLetterV2InWorker = signLetterV2InWorker;
window.cryptoReady = crypto.ready();
