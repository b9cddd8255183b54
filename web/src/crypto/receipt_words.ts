// Receipt words: a cable receipt a person can write down by hand. The browser's side of
// src/crypto/receipt_words.h (docs/FORMATS.md "Receipt words"); tests/vectors/cable.json
// ("receipt-words") pins both to the same seeds, words and error messages.
//
// Twelve words of the BIP-39 English list encode a 16-byte seed s as BIP-39 encodes 128 bits
// of entropy (the encoding and its checksum come from @scure/bip39, an audited implementation;
// the vectors check it bit for bit against ours and BIP-39's own). From s:
//
//   cable id = H256("candor/v1/cable/words-id", s)
//   r        = H256("candor/v1/cable/words-secret", s)
//
// Reading is lenient about what cannot change the meaning (letter case, white space, the
// numbers the page prints before each word) and names the word a person got wrong.
//
// Unlike the C++ reader, this one looks words up with the library's indexOf: JavaScript gives
// no constant-time guarantees, and the words are read once, on the author's own device.

import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

import { invalidArgument } from './errors.js';
import type { Rng } from './rng.js';
import { h256 } from './transcript.js';

export const RECEIPT_WORD_COUNT = 12;
export const RECEIPT_SEED_BYTES = 16;

export function generateReceiptSeed(rng: Rng): Uint8Array {
  return rng.fill(RECEIPT_SEED_BYTES);
}

// The twelve words of `seed`: lowercase, separated by single spaces.
export function receiptWords(seed: Uint8Array): string {
  return entropyToMnemonic(seed, wordlist);
}

export function receiptWordsCableId(seed: Uint8Array): Uint8Array {
  return h256('candor/v1/cable/words-id', seed);
}

export function receiptWordsSecret(seed: Uint8Array): Uint8Array {
  return h256('candor/v1/cable/words-secret', seed);
}

// Damerau–Levenshtein distance at most 1 (one letter wrong, missing, added, or two neighbours
// swapped), for suggesting a word.
function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    let i = 0;
    while (a[i] === b[i]) i++;
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  if (long.length !== short.length + 1) return false;
  let i = 0;
  while (i < short.length && long[i] === short[i]) i++;
  return long.slice(i + 1) === short.slice(i);
}

// The list word a mistyped one was probably meant to be: the one with the same first four
// letters (unique in this list), else the only one a single slip away; '' when unsure.
function suggestion(typed: string): string {
  const near: string[] = [];
  for (const w of wordlist) {
    if (typed.length >= 4 && w.length >= 4 && typed.slice(0, 4) === w.slice(0, 4)) return w;
    if (oneEditApart(typed, w)) near.push(w);
  }
  return near.length === 1 ? near[0]! : '';
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The seed a typed receipt encodes, or a CandorError ('invalid argument') that says what to
// check, with the same wording as crypto::ParseReceiptWords.
export function parseReceiptWords(text: string): Uint8Array {
  const tokens = text.split(/[ \t\n\r\f\v]+/).filter((t) => t !== '' && !/^[0-9]{1,2}[.)]?$/.test(t));
  if (tokens.length === 0) {
    throw invalidArgument(
      "No receipt given: a receipt is the 12 words shown when the cable was sent (or the long form starting 'candor-receipt-v1-').",
    );
  }
  if (tokens.length !== RECEIPT_WORD_COUNT) {
    throw invalidArgument(`A receipt is 12 words; this has ${tokens.length}: check that no word is missing or written twice.`);
  }
  const words = tokens.map((t, i) => {
    const place = `word ${i + 1}`;
    const folded = t.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (!/^[a-z]{1,8}$/.test(folded)) {
      throw invalidArgument(
        `${capitalized(place)} is not one of the receipt words (they are short English words of letters only): check it against your copy.`,
      );
    }
    if (!wordlist.includes(folded)) {
      const guess = suggestion(folded);
      throw invalidArgument(
        `${capitalized(place)}, '${folded}', is not one of the receipt words` +
          (guess ? `; did you mean '${guess}'? Check it against your copy.` : ': check it against your copy.'),
      );
    }
    return folded;
  });
  try {
    return mnemonicToEntropy(words.join(' '), wordlist);
  } catch {
    throw invalidArgument(
      'These 12 words do not belong together: one of them differs from the receipt you were shown, or two are in the wrong order. Check each word and its place against your copy.',
    );
  }
}
