// One clock for every timestamp in abserve: monotonic, milliseconds as a double with
// sub-microsecond resolution (performance.now() is backed by the same source as hrtime).
// Absolute values are only meaningful within one process; records store these numbers.
export const now: () => number = performance.now.bind(performance);

/** Wall-clock time of `now()`'s origin, to turn monotonic stamps into dates in reports. */
export const clockOriginEpochMs: number = performance.timeOrigin;
