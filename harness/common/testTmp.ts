// A temporary folder for a test, removed when the test file's tests are done (called at a file's
// top level) or when the test ends (called inside a test), so `npm test` leaves nothing in /tmp;
// it had left one folder per test file and run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, onTestFinished } from 'vitest';

/** Creates `<tmpdir>/<prefix>XXXXXX` and registers its removal; returns its path. */
export function testTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (expect.getState().currentTestName !== undefined) onTestFinished(remove);
  else afterAll(remove);
  return dir;
}
