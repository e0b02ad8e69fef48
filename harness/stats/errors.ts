// Why this file exists: stats/ is pure and speaks its own vocabulary. A bad input (an empty arm, a
// non-finite value) is the caller's mistake, reported in one line naming the arm and field path,
// so ab/ and the CLI can print it without a stack trace.

/** Raised for unusable samples, e.g. `arm "B": repetitions[1].units is empty`. */
export class StatsInputError extends Error {
  override readonly name = 'StatsInputError';
}
