// `abserve eval` telling the user what to do next: the resume hint as the last line of a run
// stopped by Ctrl-C, a line saying a --resume run is resuming (and accuracy.json recording it), the
// --resume flag named when --out is an existing run, and the API-key flags named on a 401/403.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFakeServer } from '../accuracy/fakeServer.js';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const DATA = fileURLToPath(new URL('../accuracy/fixtures/ceval-mini', import.meta.url));
const tmp = testTempDir('abserve-eval-hints-');

const abserve = (...args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000, killSignal: 'SIGKILL' });

/** Waits until `file` holds at least `n` lines. */
async function waitForLines(file: string, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${file}: fewer than ${n} lines after 20 s`);
}

describe('abserve eval hints', () => {
  it('Ctrl-C: exit 3, the last stderr line says how to resume', async () => {
    let asked = 0;
    const srv = await startFakeServer(() => (++asked <= 2 ? { content: '答案：A' } : 'hang'));
    try {
      const dir = path.join(tmp, 'interrupted');
      const child = execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', srv.url, '--concurrency', '1', '--out', dir, '--quiet'], {
        reject: false,
        timeout: 30_000,
        killSignal: 'SIGKILL',
      });
      await waitForLines(path.join(dir, 'answers.jsonl'), 2);
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        `abserve: interrupted: 2 of 12 questions asked: 2 answered, 0 failed; run again with the same flags and --resume ${dir} (in place of --out) to ask the rest`,
      );
    } finally {
      await srv.close();
    }
  });
});
