// `abserve eval` as a user runs it: a run against a fake server, Ctrl-C half way (partial result,
// exit 3), compare of the two, and one-line user errors.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeServer } from '../accuracy/fakeServer.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const DATA = fileURLToPath(new URL('../accuracy/fixtures/ceval-mini', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-eval-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('abserve eval', () => {
  it('runs, is interrupted into a partial result, and compares', async () => {
    let asked = 0;
    const srv = await startFakeServer(() => (++asked <= 5 ? { content: '答案：A' } : 'hang'));
    try {
      const full = path.join(tmp, 'full');
      const a = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', srv.url, '--concurrency', '1', '--limit', '1', '--out', full, '--label', 'A'], {
        reject: false,
        timeout: 30_000,
      });
      expect(a.exitCode, a.stderr).toBe(0);
      expect(a.stdout).toMatch(/\| fake-model \| ceval +\| AverageAccuracy \| OVERALL +\| +3 \|/);
      expect(a.stdout).toMatch(/Outcomes: correct 0, wrong 3, unparsed 0, truncated 0, failed 0/);
      expect(fs.existsSync(path.join(full, 'accuracy.md'))).toBe(true);

      // 2 more answers, then the server hangs: Ctrl-C once 2 answers are on disk.
      const part = path.join(tmp, 'part');
      const child = execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', srv.url, '--concurrency', '1', '--limit', '1', '--out', part, '--label', 'B'], {
        reject: false,
        timeout: 30_000,
      });
      const answers = path.join(part, 'answers.jsonl');
      for (let i = 0; i < 300; i++) {
        if (fs.existsSync(answers) && fs.readFileSync(answers, 'utf8').split('\n').length > 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGINT');
      const b = await child;
      expect(b.exitCode, b.stderr).toBe(3);
      expect(b.stdout).toMatch(/PARTIAL RUN: interrupted: 2 of 3 questions answered/);
      const saved = JSON.parse(fs.readFileSync(path.join(part, 'accuracy.json'), 'utf8'));
      expect(saved.info).toMatchObject({ partial: true, partialReason: 'interrupted: 2 of 3 questions answered' });

      const c = await execa(process.execPath, [BIN, 'eval', 'compare', full, part], { reject: false, timeout: 30_000 });
      // Resume the partial run: only the unanswered question is asked.
      const before = srv.bodies.length;
      asked = -100;
      const r = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', srv.url, '--limit', '1', '--resume', part], { reject: false, timeout: 30_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(srv.bodies.length - before).toBe(1);
      expect(fs.readFileSync(answers, 'utf8').trim().split('\n')).toHaveLength(3);
      expect(JSON.parse(fs.readFileSync(path.join(part, 'accuracy.json'), 'utf8')).info).toMatchObject({ partial: false, label: 'B' });
      expect(c.exitCode, c.stderr).toBe(0);
      expect(c.stdout).toMatch(/Accuracy A \(A\) vs B \(B\): 2 paired questions/);
      expect(c.stdout).toMatch(/Verdict: no significant difference/);
      expect(c.stdout).toMatch(/note: a partial run: 1 question\(s\) answered in one run only are left out/);
    } finally {
      await srv.close();
    }
  });

  it.each([
    [['eval', '--data-dir', DATA, '--split', 'test'], /^abserve: --split: "test" has no answers/],
    [['eval', '--data-dir', DATA, '--subjects', 'nope', '--base-url', 'http://127.0.0.1:1'], /^abserve: --subjects: "nope" is not a C-Eval subject/],
  ])('abserve %j is one line, exit 2', async (args, message) => {
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
