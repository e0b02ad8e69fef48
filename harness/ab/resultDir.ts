// The results folder of an A/B, made before anything starts: never a folder that already holds a
// run (appending to its requests.jsonl would silently mix two runs), and made one level at a time
// so an impossible path fails with a one-line error instead of a stack trace (or, under /proc, a
// mkdir -p that never returns: measured with Node 20's recursive mkdirSync).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';

/** A manifest left by an A/B that failed before any run finished (nothing there to keep). */
function failedBeforeAnyRun(manifest: string): boolean {
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { status?: unknown; runs_finished?: unknown };
    return m.status === 'failed' && !(typeof m.runs_finished === 'number' && m.runs_finished > 0);
  } catch {
    return false;
  }
}

/**
 * Creates `dir` and then each of `sub` inside it, one level at a time. Throws UserError
 * `${label} ${dir}: ...` when a part of the path is a file or a level cannot be created.
 */
function makeFolders(dir: string, label: string, sub: readonly string[] = []): void {
  const missing: string[] = [];
  let p = path.resolve(dir);
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw new UserError(`${label} ${dir}: ${p} is a file, not a folder`);
  for (const m of [...missing, ...sub.map((x) => path.resolve(dir, x))]) {
    if (existsSync(m)) continue;
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new UserError(`${label} ${dir}: cannot create ${m} (${code})`);
    }
  }
}

/**
 * Creates `dir` (and its `logs/`) for a new A/B. Throws UserError naming the folder when it holds
 * a run already (manifest.json), when a part of the path is a file, or when it cannot be created.
 */
export function prepareResultDir(dir: string): void {
  if (existsSync(path.join(dir, 'manifest.json')) && !failedBeforeAnyRun(path.join(dir, 'manifest.json'))) {
    throw new UserError(`results folder ${dir}: already holds a run (manifest.json); choose another --result-dir, or remove it`);
  }
  makeFolders(dir, 'results folder', ['logs']);
}

/**
 * Creates the folder `abserve compare --result-dir` writes comparison.json and the reports into.
 * Throws UserError for an empty value, for an A/B's folder (its reports would be replaced by a
 * one-run-each comparison: they are `abserve report`'s), and as makeFolders does.
 */
export function prepareCompareDir(dir: string): void {
  if (dir === '') throw new UserError('--result-dir: got an empty value');
  if (existsSync(path.join(dir, 'manifest.json')))
    throw new UserError(`--result-dir ${dir}: holds an A/B (manifest.json), whose reports abserve report writes; choose another folder`);
  makeFolders(dir, '--result-dir');
}
