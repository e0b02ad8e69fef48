// Folders made one level at a time, so an impossible path fails with a one-line error instead of a
// stack trace or, under /proc, a hang: Node 20's recursive mkdir (sync and promise forms) never
// returns there (measured: `abserve compare --result-dir /proc/x` spun at 100% CPU; `eval --out
// /proc/x` the same, ignoring SIGTERM).
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

/**
 * Creates `dir` and then each of `sub` inside it, one level at a time. Throws UserError
 * `${label} ${dir}: ...` when `dir` is empty, when a part of the path is a file, or when a level
 * cannot be created (the errno code named, e.g. ENOENT under /proc).
 */
export function makeFolders(dir: string, label: string, sub: readonly string[] = []): void {
  if (dir === '') throw new UserError(`${label}: got an empty value`);
  const { p, missing } = nearestExisting(dir);
  if (existsSync(p) && !statSync(p).isDirectory()) throw new UserError(`${label} ${dir}: ${p} is a file, not a folder`);
  for (const m of [...missing, ...sub.map((x) => path.resolve(dir, x))]) {
    if (existsSync(m)) {
      if (!statSync(m).isDirectory()) throw new UserError(`${label} ${dir}: ${m} is a file, not a folder`);
      continue;
    }
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new UserError(`${label} ${dir}: cannot create ${m} (${code})`);
    }
  }
}

/** The nearest existing path at or above `dir` (resolved), and the missing levels below it, top first. */
function nearestExisting(dir: string): { p: string; missing: string[] } {
  const missing: string[] = [];
  let p = path.resolve(dir);
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = path.dirname(p);
    if (up === p) break;
    p = up;
  }
  return { p, missing };
}

/**
 * Checks, without creating anything, that `value` (a flag's value) can be a folder: it is no
 * existing file, and no folder above it is a file. Lets a command refuse a bad folder flag before
 * it contacts a server, and leave no empty folder behind when a later check refuses the run;
 * makeFolders (which also catches the paths that cannot be created, e.g. under /proc) runs when
 * the folder is needed.
 * @throws UserError `${flag}: got an empty value`, `${flag} ${value}: is a file, not a folder`, or
 *   `${flag} ${value}: ${file above it} is a file, not a folder`.
 */
export function checkFolderPath(value: string, flag: string): void {
  if (value === '') throw new UserError(`${flag}: got an empty value`);
  const { p } = nearestExisting(value);
  if (!existsSync(p) || statSync(p).isDirectory()) return;
  throw new UserError(p === path.resolve(value) ? `${flag} ${value}: is a file, not a folder` : `${flag} ${value}: ${p} is a file, not a folder`);
}
