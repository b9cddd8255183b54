// The error vocabulary of the browser core, mirroring src/base/result.h.
//
// Every function in web/src/crypto that can fail on its input throws a CandorError whose
// `code` is exactly the C++ ErrorCodeName ("invalid argument", "verification failed", …), so
// a page can tell a malformed input from a signature that does not verify, and tests can
// compare outcomes with the C++ core (tests/vectors carry these names). Anything else thrown
// (TypeError, RangeError) is a programming error in the caller, never the input's fault.

export type ErrorCode =
  | 'invalid argument'
  | 'verification failed'
  | 'not found'
  | 'already exists'
  | 'permission denied'
  | 'unauthenticated'
  | 'failed precondition'
  | 'resource exhausted'
  | 'corrupt data'
  | 'internal error';

export class CandorError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'CandorError';
    this.code = code;
  }

  // A copy whose message is prefixed with `context: ` (Error::WithContext).
  withContext(context: string): CandorError {
    return new CandorError(this.code, `${context}: ${this.message}`);
  }
}

export function invalidArgument(message: string): CandorError {
  return new CandorError('invalid argument', message);
}

export function verificationFailed(message: string): CandorError {
  return new CandorError('verification failed', message);
}

export function isCandorError(e: unknown): e is CandorError {
  return e instanceof CandorError;
}

// Runs `f`; a CandorError it throws gets `context` prefixed (other exceptions pass through).
export function withContext<T>(context: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CandorError) throw e.withContext(context);
    throw e;
  }
}
