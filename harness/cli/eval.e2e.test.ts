// `abserve eval` as a user runs it: a run against a fake server, Ctrl-C half way (partial result,
// exit 3), compare of the two, compare's arm names for runs without a label, the README's try-it
// example against the embedded engine (max_tokens fitted to its context, warnings once on stderr),
// and one-line user errors.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeServer } from '../accuracy/fakeServer.js';
import { ANSWERS_FILE, writeInfo } from '../accuracy/savedRun.js';
import { summarize } from '../accuracy/score.js';
import { SUBJECTS } from '../accuracy/subjects.js';
import type { AccuracyInfo, AnswerRecord } from '../accuracy/types.js';
import { spawnEngine } from '../target/engineProcess.js';

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
      expect(b.stdout).toMatch(/PARTIAL RUN: interrupted: 2 of 3 questions asked: 2 answered, 0 failed/);
      const saved = JSON.parse(fs.readFileSync(path.join(part, 'accuracy.json'), 'utf8'));
      expect(saved.info).toMatchObject({ partial: true, partialReason: 'interrupted: 2 of 3 questions asked: 2 answered, 0 failed' });

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

  it('compare names unlabelled runs by their folders, in the terminal and the --out JSON; equal names kept apart', async () => {
    // Saved runs written directly: 3 questions, A right on all, B on the first two; no --label.
    const save = async (dir: string, right: number, label: string | null = null) => {
      const records: AnswerRecord[] = SUBJECTS.slice(0, 3).map((s, i) => ({
        key: `${s.key}/0`, subject: s.key, id: '0', promptHash: 'h', model: 'm', output: '', reasoning: null,
        reasoningChars: 0, answerChars: 5, reasoningTokens: null, promptTokens: 10, completionTokens: 5,
        letter: i < right ? 'A' : 'B', method: 'statement', unclosedThinking: false,
        gold: 'A', outcome: i < right ? 'correct' : 'wrong', correct: i < right, finishReason: 'stop', latencyMs: 1, ttftMs: null, attempts: 1, error: null,
      }));
      const info: AccuracyInfo = {
        schema: 'abserve.accuracy/1', label, model: 'm', baseUrl: 'x', dataDir: 'd', split: 'val', shots: 0, maxTokens: 8192,
        temperature: 0, seed: 0, concurrency: 1, stream: false, promptVersion: 'p', planned: 3, missingSubjects: [],
        startedAt: '', finishedAt: '', partial: false, partialReason: null, warnings: [],
      };
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, ANSWERS_FILE), records.map((r) => JSON.stringify(r) + '\n').join(''));
      await writeInfo(dir, { info, records, summary: summarize(records) });
      return dir;
    };
    const compare = (...args: string[]) => execa(process.execPath, [BIN, 'eval', 'compare', ...args], { reject: false, timeout: 30_000 });
    const off = await save(path.join(tmp, 'names', 'eval-off'), 3);
    const on = await save(path.join(tmp, 'names', 'eval-on'), 2);
    const out = path.join(tmp, 'names', 'cmp.json');
    // A folder or its accuracy.json: the arm is named by the run's folder either way.
    const c = await compare(off, path.join(on, 'accuracy.json'), '--out', out);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^Accuracy eval-off \(A\) vs eval-on \(B\): 3 paired questions$/m);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).arms).toEqual({ a: 'eval-off', b: 'eval-on' });
    // Flipped questions name the arms: "A"/"B" beside answer letters read as answers (`A A (correct)  B B (wrong)`).
    expect(c.stdout).toMatch(/^ {2}computer_architecture\/0 {2}gold A {2}eval-off: A \(correct\) {2}eval-on: B \(wrong\)$/m);
    expect(c.stdout).not.toMatch(/ A A \(| B B \(/);

    // Folders of the same name in different places stay distinct; a label still wins.
    const x = await save(path.join(tmp, 'names', 'x', 'run'), 3);
    const y = await save(path.join(tmp, 'names', 'y', 'run'), 2);
    const same = await compare(x, y, '--json');
    expect(same.exitCode, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).arms).toEqual({ a: 'run (A)', b: 'run (B)' });
    // In the terminal each keeps one letter (was `run (A) (A) vs run (B) (B)`); a run against itself too.
    const sameText = await compare(x, y);
    expect(sameText.exitCode, sameText.stderr).toBe(0);
    expect(sameText.stdout).toMatch(/^Accuracy run \(A\) vs run \(B\): 3 paired questions$/m);
    expect(sameText.stdout).toMatch(/^ {2}computer_architecture\/0 {2}gold A {2}run \(A\): A \(correct\) {2}run \(B\): B \(wrong\)$/m);
    const itself = await compare(off, off);
    expect(itself.exitCode, itself.stderr).toBe(0);
    expect(itself.stdout).toMatch(/^Accuracy eval-off \(A\) vs eval-off \(B\): 3 paired questions$/m);
    const labelled = await save(path.join(tmp, 'names', 'labelled'), 2, 'merge-on');
    const mixed = await compare(off, labelled);
    expect(mixed.exitCode, mixed.stderr).toBe(0);
    expect(mixed.stdout).toMatch(/^Accuracy eval-off \(A\) vs merge-on \(B\): 3 paired questions$/m);
  });

  it("the README example: engine with the ceval-mini answer key, eval with default flags, fitted to the engine's context", async () => {
    const engine = await spawnEngine(['--profile', 'tiny', '--answer-key', DATA]);
    try {
      const out = path.join(tmp, 'readme');
      const r = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', engine.url, '--out', out], { reject: false, timeout: 60_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Outcomes: correct 12, wrong 0, unparsed 0, truncated 0, failed 0/);
      expect(r.stderr).toMatch(/^note: --max-tokens 2048 \(half the server's max_model_len 4096\); pass --max-tokens to choose$/m);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'accuracy.json'), 'utf8')).info.maxTokens).toBe(2048);
      // No listener leak warning; the missing-subjects warning once, on stderr, shortened.
      expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
      expect(r.stdout).not.toMatch(/have no val data/);
      const missing = r.stderr.split('\n').filter((l) => l.includes('have no val data'));
      expect(missing).toEqual(['warning: 49 selected subject(s) have no val data: computer_network, operating_system, computer_architecture, college_programming, college_physics, ...']);
      // The full list stays in accuracy.md for the log.
      expect(fs.readFileSync(path.join(out, 'accuracy.md'), 'utf8')).toMatch(/warning: 49 selected subject\(s\) have no val data/);

      // A chosen --max-tokens the context cannot hold: refused before any question, in one line.
      const tooBig = path.join(tmp, 'too-big');
      const big = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', engine.url, '--max-tokens', '8192', '--out', tooBig], { reject: false, timeout: 60_000 });
      expect(big.exitCode).toBe(2);
      expect(big.stderr.trim()).toMatch(/^abserve: --max-tokens: 8192 does not fit the server's max_model_len 4096 /);
      expect(big.stderr.trim().split('\n')).toHaveLength(1);
      expect(fs.existsSync(tooBig)).toBe(false);

      // One that fits max_model_len but not with the prompt: the first 8 answers fail with the same
      // 400, and the run stops there with the server's message instead of asking all 12.
      const near = path.join(tmp, 'near');
      const n = await execa(process.execPath, [BIN, 'eval', '--data-dir', DATA, '--base-url', engine.url, '--max-tokens', '4090', '--concurrency', '1', '--out', near], { reject: false, timeout: 60_000 });
      expect(n.exitCode).toBe(1);
      expect(n.stderr.trim().split('\n').at(-1)).toMatch(
        /^abserve: stopped early: the first 8 questions all failed with HTTP 400 \(the first: 400 This model's maximum context length is 4096 tokens\. .*\): 8 of 12 questions asked: 0 answered, 8 failed$/,
      );
      expect(fs.readFileSync(path.join(near, 'answers.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);
    } finally {
      await engine.stop();
    }
  });

  it('--help points at the bundled fixture and offers only the splits with answers', async () => {
    const r = await execa(process.execPath, [BIN, 'eval', '--help'], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--data-dir .*harness\/accuracy\/fixtures\/ceval-mini/);
    expect(help).toMatch(/--split val or dev \(test has no answers to grade\)/);
    expect(help).not.toMatch(/choices: "val", "dev", "test"/);
  });

  it.each([
    [['eval', '--data-dir', DATA, '--split', 'test'], /^abserve: --split: "test" has no answers/],
    [['eval', '--data-dir', DATA, '--subjects', 'nope', '--base-url', 'http://127.0.0.1:1'], /^abserve: --subjects: "nope" is not a C-Eval subject/],
    [['eval', '--data-dir', DATA, '--split', 'foo'], /^abserve: --split: "foo" must be val or dev$/],
    [['eval', '--data-dir', DATA, '--max-tokens', '0', '--base-url', 'http://127.0.0.1:1'], /^abserve: --max-tokens: expected an integer >= 1, got 0$/],
    // A mistyped subcommand is named as one (was: Missing required argument: data-dir), with or
    // without the run's flags; a word close to no subcommand stays an unknown argument.
    [['eval', 'comapre', 'a', 'b'], /^abserve: Unknown command: eval comapre \(did you mean eval compare\?\); commands: eval compare, eval diff$/],
    [['eval', 'comapre', 'a', 'b', '--data-dir', DATA], /^abserve: Unknown command: eval comapre \(did you mean eval compare\?\)/],
    [['eval', 'dif', 'a'], /^abserve: Unknown command: eval dif \(did you mean eval diff\?\)/],
    [['eval', 'results', '--data-dir', DATA], /^abserve: Unknown argument: results$/],
  ])('abserve %j is one line, exit 2', async (args, message) => {
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
