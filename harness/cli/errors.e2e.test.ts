// User errors on every command end in one clear line and exit code 2, never a stack trace.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));

const CASES: [string[], RegExp][] = [
  [['micro', '--shapes', '12x'], /--shapes: '12x' is not TxHxD/],
  [['micro', '--dtypes', 'float8'], /--dtypes: unknown dtype 'float8'/],
  [['engine', '--port', '0', '--time-scale', '-1'], /timeScale.*-1/],
  [['bench', '--request-rate', 'fast'], /--request-rate must be "inf" or a number > 0: got fast/],
  [['bench', '--dataset-name', 'jsonl'], /--dataset-path is required/],
  [['nosuchcommand'], /Unknown argument|name a command/],
  // Issue 10: a repeated single-value flag, on any command (main.ts middleware).
  [['engine', '--port', '1', '--port', '2'], /^abserve: --port given 2 times \(1, 2\); give it once$/m],
];

describe('user errors', () => {
  it.each(CASES)('abserve %j', async (args, message) => {
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('output into a reader that stops early', () => {
  it('ends quietly when stdout is closed (abserve ... | head -1), no EPIPE stack trace', async () => {
    const published = fileURLToPath(new URL('../engine/published-r1-l20/', import.meta.url));
    const r = await execa('sh', ['-c', `"${process.execPath}" "${BIN}" compare "${published}4k-1k.with-op.txt" "${published}4k-1k.without-op.txt" | head -1`], {
      reject: false,
      timeout: 30_000,
    });
    expect(r.stdout).toMatch(/^A: /);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
