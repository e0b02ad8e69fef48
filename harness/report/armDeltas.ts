// A plain side-by-side of two runs' headline statistics (B - A and B / A). No confidence
// intervals here: this is the eyeball view the A/B command replaces with a statistical verdict.
import type { BenchResult, Summary } from '../metrics/types.js';
import { pyFixed } from './pyFormat.js';

const ROWS: [string, (r: BenchResult) => Summary][] = [
  ['TTFT', (r) => r.ttft],
  ['TPOT', (r) => r.tpot],
  ['ITL', (r) => r.itl],
  ['E2EL', (r) => r.e2el],
];

function row(cells: string[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(14) : c.padStart(12))).join('');
}

export function formatArmDeltas(a: BenchResult, b: BenchResult, nameA: string, nameB: string): string {
  const lines = [
    `${nameB} vs ${nameA} (no confidence intervals; single runs)`,
    row(['metric (ms)', nameA, nameB, 'B - A', 'B / A']),
  ];
  for (const [name, pick] of ROWS) {
    const sa = pick(a);
    const sb = pick(b);
    const stats: [string, number, number][] = [
      ['mean', sa.mean, sb.mean],
      ['median', sa.median, sb.median],
      ...sa.percentiles.map((p, i): [string, number, number] => [`p${p.p}`, p.value, sb.percentiles[i]?.value ?? NaN]),
    ];
    for (const [stat, va, vb] of stats) {
      lines.push(row([`${name} ${stat}`, pyFixed(va), pyFixed(vb), pyFixed(vb - va), va > 0 ? `${pyFixed(vb / va, 4)}` : '-']));
    }
  }
  lines.push(row(['duration (s)', pyFixed(a.durationS), pyFixed(b.durationS), pyFixed(b.durationS - a.durationS), pyFixed(b.durationS / a.durationS, 4)]));
  return lines.join('\n');
}
