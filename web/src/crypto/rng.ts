// The random source, injected wherever randomness is drawn (src/crypto/rng.h).
//
// Production code uses systemRng (libsodium's CSPRNG, which in a browser reads
// crypto.getRandomValues). SeededRng is deterministic and exists only so that tests
// reproduce the C++ core's exact bytes (tests/vectors); it must never hold real keys.
//
//   fill(n)          n random bytes
//   randomScalar()   a uniformly random non-zero scalar mod l (32 bytes)
//
// SeededRng's stream is the C++ one: block i is
//   randombytes_buf_deterministic(n, H256("candor/v1/test-rng", seed, u64le(i)))
// and an integer seed s stands for H256("candor/v1/test-rng-seed", u64le(s)).
import { isAllZero, u64le } from './bytes.js';
import { sodium } from './sodium.js';
import { h256, reduceWide } from './transcript.js';

export interface Rng {
  fill(n: number): Uint8Array;
  randomScalar(): Uint8Array;
}

// The default scalar draw of Rng::RandomScalar: 64 bytes reduced mod l, redrawn when zero.
function scalarFromFill(rng: Rng): Uint8Array {
  for (;;) {
    const wide = rng.fill(64);
    const out = reduceWide(wide);
    sodium().memzero(wide);
    if (!isAllZero(out)) return out;
  }
}

class SystemRng implements Rng {
  fill(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    return sodium().randombytes_buf(n);
  }
  randomScalar(): Uint8Array {
    // libsodium draws until the scalar is canonical and non-zero.
    return sodium().crypto_core_ristretto255_scalar_random();
  }
}

// libsodium's CSPRNG (stateless; share it freely).
export const systemRng: Rng = new SystemRng();

export class SeededRng implements Rng {
  private readonly seed: Uint8Array;
  private counter = 0n;

  // `seed`: an integer (u64), or 32 bytes used as the seed itself.
  constructor(seed: bigint | number | Uint8Array) {
    if (seed instanceof Uint8Array) {
      if (seed.length !== 32) throw new RangeError('a SeededRng byte seed is 32 bytes');
      this.seed = seed.slice();
    } else {
      this.seed = h256('candor/v1/test-rng-seed', u64le(seed));
    }
  }

  fill(n: number): Uint8Array {
    // Nothing to draw: the C++ stream does not advance either.
    if (n === 0) return new Uint8Array(0);
    const block = h256('candor/v1/test-rng', this.seed, u64le(this.counter));
    this.counter += 1n;
    return sodium().randombytes_buf_deterministic(n, block);
  }

  randomScalar(): Uint8Array {
    return scalarFromFill(this);
  }
}
