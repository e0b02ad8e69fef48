// Failures counted by kind and HTTP status: a run that failed 66 times says "http_500 x33,
// http_429 x33 (Retry-After 2s)" instead of listing ten messages and "56 more". Pure; the bench
// result, the text block, the saved JSON and the A/B report (per arm) all use this one count.
import type { FailureKind, RequestRecord } from '../records/record.js';

/** One line of the tally: failed measured requests of one kind (and status, for HTTP kinds). */
export interface FailureTallyEntry {
  kind: FailureKind;
  /** The HTTP status when the server answered (http_429 / http_4xx / http_5xx / not_sse). */
  status?: number;
  count: number;
  /** Smallest and largest Retry-After (s) the server sent with these failures, when it sent any. */
  retryAfterS?: { min: number; max: number };
}

/**
 * Count the failed, measured (non-warmup) records by kind and status. Entries are ordered by count
 * (largest first), then by label; an all-successful run gives []. Records without a `failure`
 * (should not happen for failed records) count as kind `other`.
 */
export function tallyFailures(records: readonly RequestRecord[]): FailureTallyEntry[] {
  const byKey = new Map<string, FailureTallyEntry>();
  for (const r of records) {
    if (r.success || r.warmup) continue;
    const kind = r.failure?.kind ?? 'other';
    const status = r.failure?.status ?? (kind.startsWith('http_') ? r.httpStatus : undefined);
    const key = `${kind}|${status ?? ''}`;
    let e = byKey.get(key);
    if (e === undefined) {
      e = { kind, ...(status !== undefined ? { status } : {}), count: 0 };
      byKey.set(key, e);
    }
    e.count++;
    const ra = r.failure?.retryAfterS;
    if (ra !== undefined && Number.isFinite(ra)) {
      e.retryAfterS = e.retryAfterS ? { min: Math.min(e.retryAfterS.min, ra), max: Math.max(e.retryAfterS.max, ra) } : { min: ra, max: ra };
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || failureLabel(a).localeCompare(failureLabel(b)));
}

/** `http_500` for an HTTP kind with its status, else the kind itself (`timeout`, `truncated`). */
export function failureLabel(e: Pick<FailureTallyEntry, 'kind' | 'status'>): string {
  return e.status !== undefined && e.kind.startsWith('http_') ? `http_${e.status}` : e.kind;
}

/** One line: `http_500 x33, http_429 x33 (Retry-After 2s)`; `none` for an empty tally. */
export function formatFailureTally(tally: readonly FailureTallyEntry[]): string {
  if (tally.length === 0) return 'none';
  return tally
    .map((e) => {
      const ra = e.retryAfterS;
      const after = ra === undefined ? '' : ` (Retry-After ${ra.min === ra.max ? ra.min : `${ra.min}-${ra.max}`}s)`;
      return `${failureLabel(e)} x${e.count}${after}`;
    })
    .join(', ');
}
