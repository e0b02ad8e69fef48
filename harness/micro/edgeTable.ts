// The +-inf/NaN edge check as a table (prefix LSE rows x suffix LSE columns), not only pass/fail:
// a user's --kernel shows exactly which combinations of kernel.md's semantics it gets wrong (vLLM's
// CUDA kernel, for one, copies the prefix where both LSEs are -inf).
import type { EdgeJson } from './types.js';

/** The built-in implementations; every other row name is a loaded --kernel. */
export const BUILTIN_IMPLS = new Set(['naive', 'baseline', 'optimized', 'optimized-cs', 'merge-s', 'scalar', 'vector', 'ts-loop', 'copy']);

/**
 * Formats edge.cells (25 flags, cells[i*5+j] for prefix values[i] x suffix values[j]) as six
 * lines: a header of suffix LSEs, then one row per prefix LSE with "ok" or "WRONG" per cell.
 * Returns [] when the edge result carries no table (S-way and CPU-side checks).
 */
export function formatEdgeTable(name: string, edge: EdgeJson | undefined): string[] {
  if (!edge?.cells || !edge.values || edge.cells.length !== edge.values.length ** 2) return [];
  const n = edge.values.length;
  const w = 8;
  const bad = edge.cells.filter((c) => !c).length;
  const L = [`edge table, ${name}: ${n * n - bad}/${n * n} ok (rows: prefix LSE, columns: suffix LSE)`];
  L.push('  ' + 'prefix\\suffix'.padEnd(14) + edge.values.map((v) => v.padStart(w)).join(''));
  for (let i = 0; i < n; i++)
    L.push('  ' + edge.values[i].padEnd(14) + edge.cells.slice(i * n, i * n + n).map((c) => (c ? 'ok' : 'WRONG').padStart(w)).join(''));
  return L;
}
