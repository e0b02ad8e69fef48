// Output equivalence inside an A/B: with greedy decoding and identical requests, how many of arm
// B's outputs are byte-identical to arm A's, beside A against its own next repetition (batch
// composition alone makes outputs differ on real servers). The most sensitive numerics check there
// is (issue 7); `abserve eval diff` gives the full report, this puts its verdict in the A/B's.
import path from 'node:path';
import { atomicWriteFile } from '../report/index.js';
import { judgeOutputDiff, outputDiff } from './outputDiff.js';
import { loadDiffInputs } from './outputDiffLoad.js';

/**
 * Compares the first two arms' saved outputs in a results folder, writes output-diff.json, and
 * returns the one-line summary for the notes; null when there is nothing to compare (no runs of
 * an arm, no common repetition, or no text saved).
 */
export async function outputEquivalence(dir: string, arms: readonly string[], alpha: number): Promise<string | null> {
  if (arms.length < 2) return null;
  let inputs;
  try {
    inputs = loadDiffInputs(dir, undefined, { armA: arms[0], armB: arms[1] });
  } catch {
    return null; // e.g. an interrupted run without a common repetition
  }
  const ab = outputDiff(inputs.a, inputs.b);
  if (ab.pairs === 0) return null;
  const aa = inputs.aa ? outputDiff(inputs.aa.first, inputs.aa.second) : null;
  const report = judgeOutputDiff(ab, aa, alpha);
  await atomicWriteFile(path.join(dir, 'output-diff.json'), JSON.stringify({ labels: inputs.labels, ...report }, null, 2) + '\n');
  return `output equivalence (greedy, identical requests): ${report.summary}; details: output-diff.json, or abserve eval diff ${dir}`;
}
