// report.md: the A/B result as GitHub-flavoured Markdown, readable in a terminal, a PR comment or
// a results folder. Per metric the A vs B table with intervals and verdicts, then per-repetition
// values, runs, failure tallies, notes and the accuracy table. Every string that came from outside
// (arm names, notes, failure kinds, manifest, accuracy cells) goes through mdText / mdCell.
import type { MetricComparison } from '../stats/types.js';
import {
  failureOf,
  allNotes, failuresByArm, inRunOrder, interval, mdeText, metricLabel, metricOrder, num, pairedText, partialScope, pValue, verdictBasisText,
  rowsOf, signed, verdictText,
} from './abReportFormat.js';
import type { AbReportData } from './abReportTypes.js';

/** Markdown-safe inline text: HTML-significant characters become entities (so a renderer never
 *  sees a tag), Markdown punctuation is backslash-escaped, line breaks become spaces. */
export function mdText(s: string): string {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#!~])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, ' ');
}

/** Ends a sentence with a full stop unless it has one. */
function sentence(s: string): string {
  return /[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`;
}

/** report.md's partial-run banner (both the report with a comparison and the one without). */
export function partialBannerMarkdown(partialReason: string | undefined): string {
  const error = failureOf(partialReason);
  if (error !== undefined) return `> **Warning: the A/B failed.** ${mdText(sentence(error))} ${partialScope(partialReason)}`;
  return `> **Warning: partial run.** ${mdText(sentence(partialReason ?? 'The run was interrupted'))} ${partialScope(partialReason)}`;
}

/** One table row from already-safe cells. */
function tr(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(headers: string[], rows: string[][], align?: ('l' | 'r')[]): string[] {
  const sep = headers.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [tr(headers), tr(sep), ...rows.map(tr)];
}

function comparisonRow(m: MetricComparison, covered: boolean): string[] {
  const verdict = m.verdict === 'no_significant_difference' ? verdictText(m.verdict) : `**${verdictText(m.verdict, covered)}**`;
  return [
    m.statistic,
    num(m.a),
    num(m.b),
    `${signed(m.diff)} ${interval(m.diffCi)}`,
    `${num(m.ratio, 4)} ${interval(m.ratioCi, 4)}`,
    pValue(m.pValue),
    m.statistic === 'mean' ? pValue(m.mannWhitneyP) : '″',
    m.statistic === 'mean' ? pairedText(m) : '-', // of the mean only: a ditto mark read as the mean's
    verdict,
    m.verdict === 'no_significant_difference' ? mdeText(m) : '',
  ];
}

function comparisonSection(d: AbReportData): string[] {
  const c = d.comparison;
  const pct = `${Math.round(c.confidence * 100)}%`;
  const out: string[] = ['## A vs B', ''];
  out.push(
    `A = ${mdText(c.arms.a)} (${c.repetitions.a} repetition(s)), B = ${mdText(c.arms.b)} (${c.repetitions.b} repetition(s)); ` +
      `${pct} hierarchical-bootstrap intervals (${c.resamples} resamples, seed ${c.seed}), alpha ${c.alpha}.`,
    '',
    mdText(verdictBasisText(c)),
    '',
  );
  for (const metric of metricOrder(c)) {
    const rows = rowsOf(c, metric);
    out.push(`### ${mdText(metricLabel(metric))} (${rows[0]?.unit ?? ''})`, '');
    out.push(
      ...table(
        ['statistic', 'A', 'B', `B-A [${pct} CI]`, `B/A [${pct} CI]`, 'p', 'Mann-Whitney p', 'paired diff of means [CI] (per request)', 'verdict (from the CIs)', 'MDE'],
        rows.map((m) => comparisonRow(m, c.runToRunCovered)),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r'],
      ),
      '',
    );
  }
  return out;
}

function perRepetitionSection(d: AbReportData): string[] {
  const c = d.comparison;
  const out: string[] = ['## Per-repetition values', '', 'Each repetition\'s statistic, in run order within its arm, so drift is visible.', ''];
  const rows: string[][] = [];
  for (const metric of metricOrder(c)) {
    for (const m of rowsOf(c, metric)) {
      rows.push([
        `${mdText(metricLabel(metric))} ${m.statistic} (${m.unit})`,
        m.perRepetition.a.map((v) => num(v)).join(', '),
        m.perRepetition.b.map((v) => num(v)).join(', '),
      ]);
    }
  }
  out.push(...table(['metric', `A: ${mdText(c.arms.a)}`, `B: ${mdText(c.arms.b)}`], rows), '');
  return out;
}

function runsSection(d: AbReportData): string[] {
  const rows = inRunOrder(d.repetitions).map((r) => [
    String(r.order + 1),
    mdText(r.arm),
    String(r.rep),
    String(r.completed),
    String(r.failed),
    r.partial ? 'cut short' : 'complete',
  ]);
  return ['## Runs', '', ...table(['order', 'arm', 'repetition', 'completed', 'failed', 'status'], rows, ['r', 'l', 'r', 'r', 'r', 'l']), ''];
}

function failuresSection(d: AbReportData): string[] {
  const { kinds, byArm } = failuresByArm(d);
  const arms = [...byArm.keys()];
  if (kinds.length === 0) return ['## Failures', '', 'No failed requests.', ''];
  const rows = kinds.map((k) => [mdText(k), ...arms.map((a) => String(byArm.get(a)?.get(k) ?? 0))]);
  return ['## Failures', '', ...table(['failure kind', ...arms.map(mdText)], rows, ['l', ...arms.map((): 'r' => 'r')]), ''];
}

/** Flipped questions listed in a report; the full list is in accuracy-comparison.json. */
const MAX_FLIPS = 50;

function accuracySection(d: AbReportData): string[] {
  const acc = d.accuracy;
  if (!acc) return [];
  return [
    '## Accuracy',
    '',
    ...table(acc.headers.map(mdText), acc.rows.map((r) => r.map(mdText))),
    '',
    `**${mdText(acc.verdict)}**`,
    '',
    ...(acc.notes ?? []).map((n) => `- ${mdText(n)}`),
    ...(acc.notes?.length ? [''] : []),
    ...(acc.flipped?.length
      ? [`Flipped questions (${acc.flipped.length}${acc.flipped.length > MAX_FLIPS ? `, first ${MAX_FLIPS}` : ''}):`, '', ...acc.flipped.slice(0, MAX_FLIPS).map((f) => `- ${mdText(f)}`), '']
      : []),
  ];
}

/** Render report.md. Returns the whole document (UTF-8 text, ends with a newline). */
export function renderAbMarkdown(d: AbReportData): string {
  const out: string[] = [`# ${mdText(d.title)}`, ''];
  out.push(`Scenario: ${mdText(d.scenario)}  `, `Started: ${mdText(d.createdAt)}`, '');
  if (d.partial) out.push(partialBannerMarkdown(d.partialReason), '');
  const notes = allNotes(d);
  out.push(...comparisonSection(d));
  out.push(...perRepetitionSection(d));
  out.push(...runsSection(d));
  out.push(...failuresSection(d));
  out.push(...accuracySection(d));
  if (notes.length > 0) out.push('## Notes', '', ...notes.map((n) => `- ${mdText(n)}`), '');
  return out.join('\n');
}
