// The results folder of an A/B, made before anything starts: never a folder that already holds a
// run (appending to its requests.jsonl would silently mix two runs), and made one level at a time
// (common/folders.ts) so an impossible path fails in one line instead of a stack trace or a hang.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../common/errors.js';
import { makeFolders } from '../common/folders.js';

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
 * Creates `dir` (and its `logs/`) for a new A/B. Throws UserError naming the folder when it holds
 * a run already (manifest.json), when a part of the path is a file, or when it cannot be created.
 */
export function prepareResultDir(dir: string): void {
  if (dir === '') throw new UserError('--result-dir: got an empty value'); // path.resolve('') is the current folder
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
