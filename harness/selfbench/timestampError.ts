// How far the client's timestamps are from the engine's own emit times, per request. The two
// run in different processes; both clocks are monotonic and their origins (performance.timeOrigin)
// put them on one wall-clock axis, so each token event has a delivery lag:
//   lag_i = (client origin + client stamp_i) - (engine origin + engine emit_i)
// The smallest lag of the run is the floor (loopback + the origins' offset); what the client adds
// on top of it is its timestamp error:
//   TTFT error = lag of the first token - floor  (the first token's stamp is late by this much)
//   ITL error  = client gap between events i-1, i - engine gap between emits i-1, i
// (the TTFT that the engine itself sees also includes time before it read the request, which is
// server queueing, not client error, so TTFTs are not compared directly).
import type { RequestRecord } from '../records/record.js';
import { npPercentileSorted } from '../metrics/index.js';

export interface TimestampErrors {
  /** Requests whose client events and engine emits could be paired one to one. */
  paired: number;
  unpaired: number;
  ttftErrMs: number[];
  itlErrMs: number[];
  /** Every token event's lag above the run's floor: how late its stamp is. */
  eventErrMs: number[];
}

export function timestampErrors(
  records: readonly RequestRecord[],
  clientOrigin: number = performance.timeOrigin,
): TimestampErrors {
  const out: TimestampErrors = { paired: 0, unpaired: 0, ttftErrMs: [], itlErrMs: [], eventErrMs: [] };
  const firstLags: number[] = [];
  const lags: number[] = [];
  let floor = Number.POSITIVE_INFINITY;
  for (const r of records) {
    const emits = r.engineEmitTimes;
    if (!r.success || !emits || r.engineReceivedAt === undefined || emits.length !== r.tokenTimes.length) {
      out.unpaired++;
      continue;
    }
    out.paired++;
    const shift = clientOrigin - (r.engineTimeOrigin ?? clientOrigin);
    for (let i = 0; i < emits.length; i++) {
      const lag = r.tokenTimes[i] - emits[i] + shift;
      lags.push(lag);
      floor = Math.min(floor, lag);
    }
    firstLags.push(r.tokenTimes[0] - emits[0] + shift);
    for (let i = 1; i < emits.length; i++) {
      out.itlErrMs.push(r.tokenTimes[i] - r.tokenTimes[i - 1] - (emits[i] - emits[i - 1]));
    }
  }
  out.ttftErrMs = firstLags.map((l) => l - floor);
  out.eventErrMs = lags.map((l) => l - floor);
  return out;
}

/** Percentiles of |error| (ms), numpy's linear interpolation. */
export function absPercentiles(errs: readonly number[], ps: readonly number[]): number[] {
  const sorted = errs.map(Math.abs).sort((a, b) => a - b);
  return ps.map((p) => (sorted.length ? npPercentileSorted(sorted, p) : NaN));
}
