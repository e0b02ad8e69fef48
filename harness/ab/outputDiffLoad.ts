// Reads the outputs `abserve eval diff` compares from saved folders, whatever wrote them:
// - an `abserve ab` results folder (manifest.json, runs/<NN>-<arm>-rep<k>/requests.jsonl): arm A
//   against arm B over their common repetitions, and A rep1 against A rep2 (rep3 vs rep4 ...) as A/A;
// - one run of such a folder (a runs/... folder holding requests.jsonl) per side;
// - an `abserve eval` output folder (answers.jsonl) per side.
// Requests pair by their index (ab) or question key (eval); warmup and failed requests are left out.
// Every problem is a UserError naming the folder (or file and line) and what was expected.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import type { OutputItem } from './outputDiff.js';

/** What to compare: A vs B, and A vs A when a second repetition of A exists (else null). */
export interface DiffInputs {
  a: OutputItem[];
  b: OutputItem[];
  aa: { first: OutputItem[]; second: OutputItem[] } | null;
  /** Human names of the sides, e.g. `with-op rep1+rep2` or a folder path. */
  labels: { a: string; b: string; aa: string | null };
}

type Kind = 'results' | 'run' | 'eval';

/** Which kind of folder `dir` is. @throws UserError when it is none of them. */
export function folderKind(dir: string, what: string): Kind {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${what} ${dir}: not a folder`);
  if (existsSync(path.join(dir, 'runs'))) return 'results';
  if (existsSync(path.join(dir, 'requests.jsonl'))) return 'run';
  if (existsSync(path.join(dir, 'answers.jsonl'))) return 'eval';
  throw new UserError(`${what} ${dir}: holds neither runs/ (an abserve ab results folder), requests.jsonl (one of its runs) nor answers.jsonl (an abserve eval folder)`);
}

function jsonLines(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        // The last line of an interrupted run may be torn; anything earlier is an error.
        throw new UserError(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
      if (typeof v !== 'object' || v === null) throw new UserError(`${file}:${i + 1}: expected a JSON object`);
      out.push(v as Record<string, unknown>);
    });
  return out;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const logprobsOf = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null);

/** A run's successful, non-warmup requests: key = index, text = reasoning then content.
 *  @throws UserError for a record without a numeric index. */
export function readRunOutputs(dir: string, keyPrefix = ''): OutputItem[] {
  const file = path.join(dir, 'requests.jsonl');
  return jsonLines(file)
    .filter((r) => r.warmup !== true && r.success !== false)
    .map((r, i) => {
      if (typeof r.index !== 'number') throw new UserError(`${file}: record ${i + 1} has no numeric "index"`);
      return { key: keyPrefix + String(r.index), text: str(r.reasoningText) + str(r.text), logprobs: logprobsOf(r.logprobs) };
    });
}

/** An eval run's answered questions: key = question key, text = reasoning then output. */
export function readEvalOutputs(dir: string): OutputItem[] {
  const file = path.join(dir, 'answers.jsonl');
  return jsonLines(file)
    .filter((r) => r.error === null || r.error === undefined)
    .map((r, i) => {
      if (typeof r.key !== 'string') throw new UserError(`${file}: record ${i + 1} has no "key"`);
      return { key: r.key, text: str(r.reasoning) + str(r.output) };
    });
}

interface RunDir {
  dir: string;
  order: number;
  arm: string;
  rep: number;
}

function runDirs(results: string): RunDir[] {
  const runs = path.join(results, 'runs');
  const out: RunDir[] = [];
  for (const name of readdirSync(runs).sort()) {
    const m = /^(\d+)-(.+)-rep(\d+)$/.exec(name);
    if (m && existsSync(path.join(runs, name, 'requests.jsonl'))) out.push({ dir: path.join(runs, name), order: Number(m[1]), arm: m[2], rep: Number(m[3]) });
  }
  return out;
}

/** Arm names in scenario order: manifest.json's `arms` keys, else order of first run. */
function armOrder(results: string, runs: RunDir[]): string[] {
  try {
    const m = JSON.parse(readFileSync(path.join(results, 'manifest.json'), 'utf8')) as { arms?: Record<string, unknown> };
    if (m.arms && typeof m.arms === 'object') {
      const names = Object.keys(m.arms).filter((n) => runs.some((r) => r.arm === n));
      if (names.length) return names;
    }
  } catch {
    // no readable manifest: fall back to the runs' order
  }
  return [...new Set([...runs].sort((x, y) => x.order - y.order).map((r) => r.arm))];
}

export interface LoadDiffOptions {
  /** Arm names inside a results folder (default: the scenario's first two arms). */
  armA?: string;
  armB?: string;
  /** A second run of A (run or eval folder) for the A/A comparison when RUN_A and RUN_B are runs. */
  aa?: string;
}

function fromResults(results: string, o: LoadDiffOptions): DiffInputs {
  const runs = runDirs(results);
  if (runs.length === 0) throw new UserError(`RUN_A ${results}: runs/ holds no <NN>-<arm>-rep<k>/requests.jsonl`);
  const arms = armOrder(results, runs);
  const armA = o.armA ?? arms[0];
  const armB = o.armB ?? arms.find((a) => a !== armA);
  for (const [flag, arm] of [['--arm-a', armA], ['--arm-b', armB]] as const) {
    if (arm === undefined || !arms.includes(arm)) throw new UserError(`${flag} ${arm ?? '(none)'}: ${results} has runs of ${arms.join(', ')}`);
  }
  if (armA === armB) throw new UserError(`--arm-b ${armB}: the same arm as --arm-a; give two different arms (${arms.join(', ')})`);
  const repsOf = (arm: string) => new Map(runs.filter((r) => r.arm === arm).map((r) => [r.rep, r]));
  const ra = repsOf(armA);
  const rb = repsOf(armB!);
  const common = [...ra.keys()].filter((k) => rb.has(k)).sort((x, y) => x - y);
  if (common.length === 0) throw new UserError(`${results}: arms ${armA} and ${armB} have no repetition in common`);
  const a = common.flatMap((k) => readRunOutputs(ra.get(k)!.dir, `rep${k}/`));
  const b = common.flatMap((k) => readRunOutputs(rb.get(k)!.dir, `rep${k}/`));
  // A/A: A rep1 vs rep2, rep3 vs rep4, ... (keys carry the pair, so pairs pool).
  const repsA = [...ra.keys()].sort((x, y) => x - y);
  const first: OutputItem[] = [];
  const second: OutputItem[] = [];
  for (let i = 0; i + 1 < repsA.length; i += 2) {
    first.push(...readRunOutputs(ra.get(repsA[i])!.dir, `pair${i / 2 + 1}/`));
    second.push(...readRunOutputs(ra.get(repsA[i + 1])!.dir, `pair${i / 2 + 1}/`));
  }
  const reps = (ks: number[]) => ks.map((k) => `rep${k}`).join('+');
  return {
    a,
    b,
    aa: first.length ? { first, second } : null,
    labels: { a: `${armA} ${reps(common)}`, b: `${armB} ${reps(common)}`, aa: first.length ? `${armA} ${reps(repsA.slice(0, 2 * Math.floor(repsA.length / 2)))} in pairs` : null },
  };
}

/**
 * The outputs to compare. `runA` alone (or with `runB` omitted) must be an ab results folder; with
 * `runB`, both are runs, or both eval folders, and `o.aa` may name a second run of A.
 * @throws UserError naming RUN_A / RUN_B / --aa / --arm-a / --arm-b and the folder.
 */
export function loadDiffInputs(runA: string, runB: string | undefined, o: LoadDiffOptions = {}): DiffInputs {
  const ka = folderKind(runA, 'RUN_A');
  if (runB === undefined) {
    if (ka !== 'results') throw new UserError(`RUN_B: missing; with one folder, RUN_A must be an abserve ab results folder (with runs/), and ${runA} is not`);
    if (o.aa !== undefined) throw new UserError(`--aa ${o.aa}: a results folder takes its A/A from its own repetitions of A; --aa is for two run folders`);
    return fromResults(runA, o);
  }
  if (ka === 'results') throw new UserError(`RUN_A ${runA}: a results folder is compared on its own (abserve eval diff ${runA} [--arm-a A --arm-b B]); give RUN_B only with run or eval folders`);
  const kb = folderKind(runB, 'RUN_B');
  if (kb !== ka) throw new UserError(`RUN_B ${runB}: a ${kb === 'eval' ? 'eval' : kb} folder, but RUN_A is a${ka === 'eval' ? 'n eval' : ' ' + ka} folder; compare like with like`);
  const read = (dir: string) => (ka === 'eval' ? readEvalOutputs(dir) : readRunOutputs(dir));
  let aa: DiffInputs['aa'] = null;
  if (o.aa !== undefined) {
    const kaa = folderKind(o.aa, '--aa');
    if (kaa !== ka) throw new UserError(`--aa ${o.aa}: want the same kind of folder as RUN_A (${ka})`);
    aa = { first: read(runA), second: read(o.aa) };
  }
  return { a: read(runA), b: read(runB), aa, labels: { a: runA, b: runB, aa: o.aa ?? null } };
}
