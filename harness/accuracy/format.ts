// Text for people: the evalscope-style score table (Model, Dataset, Metric, Subset, Num, Score,
// Cat.0) in tabulate's grid layout or Markdown, the counts that evalscope leaves out, and the A/B
// comparison table with its verdict and flipped questions.
import type { AccuracyComparison, PairedGroup } from './compare.js';
import type { AccuracyRun, LengthStats } from './types.js';
import { answered } from './score.js';

type Cell = string | number;

/** A table in tabulate's "grid" style (numbers right-aligned) or as a Markdown pipe table. */
export function table(header: string[], rows: Cell[][], style: 'grid' | 'markdown' = 'grid'): string {
  const text = rows.map((r) => r.map(String));
  const w = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i].length)));
  // Numbers (and numeric text such as "0.8500", "+1.2", "-3.1 .. +0.4", "1.6e-6") align right.
  const numeric = (c: Cell) => typeof c === 'number' || /^[-+]?\d[\d.e+-]*( \.\. [-+]?\d[\d.]*)?$/.test(c);
  const right = header.map((_, i) => rows.length > 0 && rows.every((r) => numeric(r[i])));
  const pad = (s: string, i: number) => (right[i] ? s.padStart(w[i]) : s.padEnd(w[i]));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  if (style === 'markdown') {
    const sep = `|${w.map((n, i) => (right[i] ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|')}|`;
    return [line(header), sep, ...text.map(line)].join('\n');
  }
  const rule = (ch: string) => `+${w.map((n) => ch.repeat(n + 2)).join('+')}+`;
  return [rule('-'), line(header), rule('='), ...text.flatMap((r) => [line(r), rule('-')])].join('\n');
}

const f4 = (x: number) => x.toFixed(4);

function lengthLine(name: string, s: LengthStats | null): string | null {
  return s ? `${name}: mean ${s.mean.toFixed(0)}, median ${s.p50}, p90 ${s.p90}, max ${s.max} (${s.count} answers)` : null;
}

/** The score table, one row per subject, then per category and overall (macro, evalscope's
 *  AverageAccuracy), followed by micro, outcome counts, output lengths and (unless
 *  `warnings: false`, for a console that already showed them as they came) the run's warnings. */
export function formatRun(run: AccuracyRun, style: 'grid' | 'markdown' = 'grid', opts: { warnings?: boolean } = {}): string {
  const { info, summary } = run;
  // Num: the questions scored (answered), as evalscope's Num; failed requests are not scored.
  const rows: Cell[][] = summary.subjects.map((s) => [info.model, 'ceval', 'AverageAccuracy', s.subject, answered(s), f4(s.score), s.category]);
  for (const c of summary.categories) rows.push([info.model, 'ceval', 'AverageAccuracy', '-', answered(c), f4(c.macro), c.name]);
  const o = summary.overall;
  rows.push([info.model, 'ceval', 'AverageAccuracy', 'OVERALL', answered(o), f4(o.macro), '-']);
  const out = [table(['Model', 'Dataset', 'Metric', 'Subset', 'Num', 'Score', 'Cat.0'], rows, style), ''];
  out.push(`Overall (macro, mean of ${o.scoredSubjects ?? o.subjects} subject scores, as evalscope's AverageAccuracy): ${Number(o.macro.toPrecision(14))}`);
  // The vocabulary of runner.ts's askedText: answered = the server replied; failed = it did not.
  const notScored = o.failed ? `; ${o.failed} failed, not scored` : '';
  out.push(`Overall (micro, question-weighted): ${f4(o.micro)} (${o.correct} correct of ${answered(o)} answered${notScored})`);
  out.push(`Outcomes: correct ${o.correct}, wrong ${o.wrong}, unparsed ${o.unparsed}, truncated ${o.truncated}, failed ${o.failed}`);
  const L = summary.lengths;
  for (const l of [
    lengthLine('Completion tokens', L.completionTokens),
    lengthLine('Reasoning tokens', L.reasoningTokens),
    lengthLine('Reasoning characters', L.reasoningChars),
  ]) {
    if (l) out.push(l);
  }
  if (info.partial) out.push(`PARTIAL RUN: ${info.partialReason}`);
  if (opts.warnings !== false) for (const w of info.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const pval = (p: number) => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function pairedRow(g: PairedGroup): Cell[] {
  return [g.name, g.n, f4(g.accA), f4(g.accB), pts(g.diff), `${pts(g.ci[0])} .. ${pts(g.ci[1])}`, g.aOnly, g.bOnly, pval(g.mcnemar.pValue)];
}

/** An arm's name with its letter of the table (`eval-off (A)`); a name that already ends in it (armNames
 *  makes equal names `eval-try (A)`, `eval-try (B)`) is not given it twice. */
const withLetter = (name: string, letter: 'A' | 'B') => (name.endsWith(` (${letter})`) ? name : `${name} (${letter})`);

/** The A/B table (overall, categories, subjects), the verdict, output lengths and the flipped questions,
 *  one line each naming the arms (`gold A  eval-off: A (correct)  eval-on: B (wrong)`). */
export function formatComparison(c: AccuracyComparison, maxFlips = 50): string {
  const conf = Math.round((1 - c.alpha) * 100);
  const header = ['Group', 'N', 'Acc A', 'Acc B', 'B-A pts', `${conf}% CI pts`, 'A only', 'B only', 'McNemar p'];
  const rows = [pairedRow(c.overall), ...c.categories.map(pairedRow), ...c.subjects.map(pairedRow)];
  const out = [`Accuracy ${withLetter(c.arms.a, 'A')} vs ${withLetter(c.arms.b, 'B')}: ${c.paired} paired questions`, table(header, rows), ''];
  out.push(`Macro (evalscope AverageAccuracy) over the ${c.paired} paired questions: A ${c.macro.a.toFixed(4)}, B ${c.macro.b.toFixed(4)}`);
  out.push(`Verdict: ${c.verdictText}`);
  const t = c.lengths.completionTokens;
  if (t.a && t.b) out.push(`Completion tokens, mean: A ${t.a.mean.toFixed(0)}, B ${t.b.mean.toFixed(0)} (${pts(t.b.mean / t.a.mean - 1)}%)`);
  const r = c.lengths.reasoningChars;
  if (r.a && r.b && r.a.mean > 0) out.push(`Reasoning characters, mean: A ${r.a.mean.toFixed(0)}, B ${r.b.mean.toFixed(0)} (${pts(r.b.mean / r.a.mean - 1)}%)`);
  for (const n of c.notes) out.push(`note: ${n}`);
  if (c.flipped.length) {
    out.push('', `Flipped questions (${c.flipped.length}${c.flipped.length > maxFlips ? `, first ${maxFlips}` : ''}):`);
    for (const f of c.flipped.slice(0, maxFlips)) {
      // Each arm by its name, not "A"/"B": those are answer letters too (`A A (correct)  B B (wrong)`).
      out.push(`  ${f.key}  gold ${f.gold}  ${c.arms.a}: ${f.a.letter ?? '-'} (${f.a.outcome})  ${c.arms.b}: ${f.b.letter ?? '-'} (${f.b.outcome})`);
    }
  }
  return out.join('\n');
}
