// runAccuracy end to end against a scripted fake server: counts by outcome, scores, retries,
// files on disk, timeouts, a dead server and Ctrl-C.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeServer, type Reply } from './fakeServer.js';
import { runAccuracy, STOPPED_EARLY } from './runner.js';
import { loadAccuracyRun } from './savedRun.js';

const DATA = path.join(import.meta.dirname, 'fixtures', 'ceval-mini');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-acc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Replies keyed by a substring of each fixture question; attempt-dependent where retries matter. */
function script(text: string, attempt: number): Reply {
  const has = (s: string) => text.includes(s);
  if (has('1+1')) return { content: '答案：B' }; // correct
  if (has('2乘以3')) return { content: '答案：C' }; // wrong
  if (has('10减去4')) return { content: '答案：A', reasoning_content: '答案是B？不对。' }; // correct, thinking apart
  if (has('9除以3')) return { content: '<think>答案是A</think>\n答案：D' }; // correct, inline thinking
  if (has('5的平方')) return { content: '<think>想一想，答案是C', finish_reason: 'length' }; // truncated
  if (has('正确选项是')) return attempt === 1 ? { status: 429, headers: { 'retry-after': '0' } } : { content: '答案：C' };
  if (has('虚构题二')) return { status: 400 }; // never retried
  if (has('虚构题三')) return { status: 500 }; // retried, then failed
  if (has('资产等于负债')) return { content: '我不知道' }; // unparsed
  if (has('含逗号')) return { status: 409 }; // openai's own retry would repeat it; ours does not
  if (has('会计题三')) return { content: '嗯……</think>\nB' }; // correct: only the closing tag, lone letter
  if (has('会计题四')) return attempt === 1 ? { status: 503 } : attempt === 2 ? 'destroy' : { content: 'The answer is D.' };
  throw new Error(`unscripted question: ${text}`);
}

describe('runAccuracy', () => {
  it('counts every outcome separately, scores macro and micro, retries only what it should', async () => {
    const srv = await startFakeServer(script);
    const outDir = path.join(tmp, 'run1');
    try {
      const seen: number[] = [];
      const run = await runAccuracy({
        dataDir: DATA,
        baseUrl: srv.url,
        model: 'fake-r1',
        maxTokens: 1024,
        concurrency: 3,
        maxRetries: 2,
        retryBaseMs: 1,
        seed: 7,
        outDir,
        onAnswer: (_r, done) => seen.push(done),
      });
      const o = run.summary.overall;
      expect({ n: o.n, correct: o.correct, wrong: o.wrong, unparsed: o.unparsed, truncated: o.truncated, failed: o.failed }).toEqual({
        n: 12,
        correct: 6,
        wrong: 1,
        unparsed: 1,
        truncated: 1,
        failed: 3,
      });
      const scores = Object.fromEntries(run.summary.subjects.map((s) => [s.subject, s.score]));
      // Over the answered questions: the 3 failed requests are counted, not scored (as evalscope).
      expect(scores).toEqual({ high_school_mathematics: 0.6, modern_chinese_history: 1, accountant: 0.6667 });
      expect(o.macro).toBeCloseTo((0.6 + 1 + 0.6667) / 3, 12);
      expect(o.micro).toBe(6 / 9);
      expect(run.info.partial).toBe(false);
      expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

      const by = Object.fromEntries(run.records.map((r) => [r.key, r]));
      expect(by['modern_chinese_history/0']).toMatchObject({ outcome: 'correct', attempts: 2 });
      expect(by['modern_chinese_history/1']).toMatchObject({ outcome: 'failed', attempts: 1, error: { kind: 'http', status: 400 } });
      expect(by['modern_chinese_history/2']).toMatchObject({ outcome: 'failed', attempts: 3, error: { kind: 'http', status: 500 } });
      expect(by['accountant/1']).toMatchObject({ outcome: 'failed', attempts: 1, error: { status: 409 } });
      expect(by['accountant/3']).toMatchObject({ outcome: 'correct', attempts: 3, letter: 'D' });
      expect(by['accountant/2']).toMatchObject({ outcome: 'correct', method: 'last_line' });
      expect(by['high_school_mathematics/2']).toMatchObject({ letter: 'A', reasoning: '答案是B？不对。', reasoningChars: 8 });
      expect(by['high_school_mathematics/4']).toMatchObject({ outcome: 'truncated', letter: null, unclosedThinking: true, finishReason: 'length' });
      // 12 questions + 1 (429) + 2 (500 retries) + 2 (503, reset) re-asks.
      expect(srv.bodies).toHaveLength(17);
      expect(srv.bodies[0]).toMatchObject({ model: 'fake-r1', temperature: 0, seed: 7, max_tokens: 1024 });
      expect(run.info.warnings.some((w) => /max_tokens 1024 looks too small/.test(w))).toBe(true);
      expect(run.info.warnings.some((w) => /1 answer\(s\) hit max_tokens/.test(w))).toBe(true);
      expect(run.info.warnings).toContain(
        '3 request(s) failed (429, 5xx and connection errors were retried up to 2 time(s), other 4xx never); they are left out of the scores, as evalscope leaves them out; --resume asks them again',
      );

      const back = loadAccuracyRun(outDir);
      expect(back.records).toHaveLength(12);
      expect(back.summary).toEqual(run.summary);
      expect(back.info.partial).toBe(false);
      const saved = JSON.parse(fs.readFileSync(path.join(outDir, 'accuracy.json'), 'utf8'));
      expect(saved.summary.overall.macro).toBeCloseTo(o.macro, 12);
      await expect(runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'm', outDir })).rejects.toThrow(/answers\.jsonl already exists/);
    } finally {
      await srv.close();
    }
  });

  it('warns when most answers have no letter (a format problem, not accuracy), and not otherwise', async () => {
    const srv = await startFakeServer(() => ({ content: '我不知道' }));
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'fake-r1', maxTokens: 64, concurrency: 2, retryBaseMs: 1 });
      expect(run.summary.overall.unparsed).toBe(12);
      expect(run.info.warnings).toContain("12 of 12 answers had no answer letter the extraction could read (unparsed); check the model's output in answers.jsonl before reading the score");
    } finally {
      await srv.close();
    }
    const ok = await startFakeServer(() => ({ content: '答案：A' }));
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: ok.url, model: 'fake-r1', maxTokens: 64, concurrency: 2, retryBaseMs: 1 });
      expect(run.info.warnings.some((w) => w.includes('unparsed'))).toBe(false);
    } finally {
      await ok.close();
    }
  });

  it('times out a hanging server per attempt and retries timeouts', async () => {
    const srv = await startFakeServer(() => 'hang');
    try {
      const run = await runAccuracy({
        dataDir: DATA,
        subjects: ['accountant'],
        limit: 1,
        baseUrl: srv.url,
        model: 'm',
        requestTimeoutMs: 150,
        maxRetries: 1,
        retryBaseMs: 1,
      });
      expect(run.records[0]).toMatchObject({ outcome: 'failed', attempts: 2, error: { kind: 'timeout' } });
      expect(srv.bodies).toHaveLength(2);
    } finally {
      await srv.close();
    }
  });

  it('fails fast on a dead server instead of hanging', async () => {
    const srv = await startFakeServer(() => 'hang');
    const url = srv.url;
    await srv.close();
    const run = await runAccuracy({ dataDir: DATA, limit: 1, baseUrl: url, model: 'm', maxRetries: 1, retryBaseMs: 1 });
    expect(run.summary.overall).toMatchObject({ n: 3, failed: 3 });
    expect(run.records.every((r) => r.error?.kind === 'connection' && r.attempts === 2)).toBe(true);
    // A longer run gives up after consecutive connection failures and says why.
    const cut = await runAccuracy({ dataDir: DATA, baseUrl: url, model: 'm', concurrency: 1, maxRetries: 0, maxConsecutiveConnectionFailures: 2 });
    expect(cut.records).toHaveLength(2);
    expect(cut.info.partial).toBe(true);
    expect(cut.info.partialReason).toMatch(/^server unreachable: 2 questions in a row failed .*: 2 of 12 questions asked: 0 answered, 2 failed$/);
    // The warning says what the retry setting was (it had said "server errors are retried" with --retries 0).
    expect(cut.info.warnings.filter((w) => / request\(s\) failed/.test(w))).toEqual([
      '2 request(s) failed (retries off: none was retried); they are left out of the scores, as evalscope leaves them out; --resume asks them again',
    ]);
  });

  it('on abort keeps what was answered and says the run is partial; --resume finishes it', async () => {
    const ac = new AbortController();
    let answered = 0;
    const srv = await startFakeServer(async () => {
      if (answered >= 4) {
        ac.abort();
        return 'hang';
      }
      answered++;
      return answered === 1 ? { status: 400 } : { content: 'A' };
    });
    const outDir = path.join(tmp, 'aborted');
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'm', concurrency: 1, outDir, signal: ac.signal });
      expect(run.records).toHaveLength(4);
      expect(run.records[0].outcome).toBe('failed');
      expect(run.info.partial).toBe(true);
      // One vocabulary with the score lines: asked = answered + failed (it said "4 of 12 questions answered").
      expect(run.info.partialReason).toBe('interrupted: 4 of 12 questions asked: 3 answered, 1 failed');
      const back = loadAccuracyRun(outDir);
      expect(back.records).toHaveLength(4);
      expect(back.info.partialReason).toMatch(/^interrupted/);
    } finally {
      await srv.close();
    }

    // Settings that differ are refused before anything is asked.
    await expect(runAccuracy({ dataDir: DATA, baseUrl: 'http://127.0.0.1:1', model: 'm', maxTokens: 100, outDir, resume: true })).rejects.toThrow(
      /^resume: .*aborted was run with maxTokens 8192, this run has 100/,
    );
    await expect(runAccuracy({ dataDir: DATA, subjects: ['accountant'], baseUrl: 'http://127.0.0.1:1', model: 'm', outDir, resume: true })).rejects.toThrow(
      /^resume: .* answered high_school_mathematics\/\d, which this run does not select/,
    );

    // A label other than the stored run's (none here) is refused, naming both; nothing is rewritten.
    const before = fs.readFileSync(path.join(outDir, 'answers.jsonl'), 'utf8');
    await expect(runAccuracy({ dataDir: DATA, baseUrl: 'http://127.0.0.1:1', model: 'm', outDir, resume: true, label: 'X' })).rejects.toThrow(
      /^label: "X" differs from the run in .*aborted, which has no label; a resumed run keeps its label/,
    );
    expect(fs.readFileSync(path.join(outDir, 'answers.jsonl'), 'utf8')).toBe(before);

    const again = await startFakeServer(() => ({ content: 'B' }));
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: again.url, model: 'm', concurrency: 2, outDir, resume: true });
      // 3 answered questions kept; the failed one and the 8 unasked ones asked now.
      expect(again.bodies).toHaveLength(9);
      expect(run.info.partial).toBe(false);
      expect(run.summary.overall).toMatchObject({ n: 12, failed: 0 });
      const lines = fs.readFileSync(path.join(outDir, 'answers.jsonl'), 'utf8').trim().split('\n');
      const keys = lines.map((l) => JSON.parse(l).key as string);
      expect(keys).toHaveLength(12);
      expect(new Set(keys).size).toBe(12);
      expect(loadAccuracyRun(outDir).summary).toEqual(run.summary);
    } finally {
      await again.close();
    }
  });

  it('--stream asks through the streaming client, records TTFT and keeps the grading', async () => {
    const srv = await startFakeServer((text, attempt) => {
      if (text.includes('1+1')) return attempt === 1 ? { status: 503 } : { content: '答案：B', reasoning_content: '答案是A？' };
      if (text.includes('2乘以3')) return { status: 400 };
      if (text.includes('5的平方')) return { content: '<think>答案是C', completion_tokens: 64 };
      return { content: '答案：A' };
    });
    try {
      const run = await runAccuracy({
        dataDir: DATA, subjects: ['high_school_mathematics'], baseUrl: srv.url, model: 'm', stream: true, maxTokens: 64, maxRetries: 2, retryBaseMs: 1, seed: 3,
      });
      expect(srv.bodies[0]).toMatchObject({ stream: true, temperature: 0, seed: 3, max_tokens: 64 });
      const by = Object.fromEntries(run.records.map((r) => [r.key, r]));
      expect(by['high_school_mathematics/0']).toMatchObject({ outcome: 'correct', attempts: 2, reasoning: '答案是A？', completionTokens: 5 });
      expect(by['high_school_mathematics/0'].ttftMs).toBeGreaterThanOrEqual(0);
      expect(by['high_school_mathematics/1']).toMatchObject({ outcome: 'failed', attempts: 1, error: { kind: 'http', status: 400 } });
      expect(by['high_school_mathematics/2']).toMatchObject({ outcome: 'correct' }); // 10-4: A
      expect(by['high_school_mathematics/4']).toMatchObject({ outcome: 'truncated', finishReason: 'length' });
      expect(run.info.stream).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('stops early when the first 8 answers all fail with the same 4xx, with the server message', async () => {
    // 400 as vLLM answers a completion budget beyond the context (the message varies per prompt).
    const srv = await startFakeServer((text) => ({ status: 400, message: `maximum context length is 4096 tokens; the prompt has ${text.length}` }));
    const outDir = path.join(tmp, 'setup400');
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'm', concurrency: 2, outDir });
      expect(run.records.length).toBeGreaterThanOrEqual(8);
      expect(run.records.length).toBeLessThan(12);
      expect(srv.bodies.length).toBeLessThan(12);
      expect(run.records.every((r) => r.outcome === 'failed' && r.attempts === 1)).toBe(true);
      expect(run.info.partial).toBe(true);
      expect(run.info.partialReason).toMatch(
        new RegExp(`^${STOPPED_EARLY}: the first 8 questions all failed with HTTP 400 \\(the first: 400 maximum context length is 4096 tokens; .*\\): \\d+ of 12 questions asked: 0 answered, \\d+ failed$`),
      );
      expect(loadAccuracyRun(outDir).info.partialReason).toBe(run.info.partialReason);
    } finally {
      await srv.close();
    }
  });

  it('asks every question when the first answers are not all the same 4xx', async () => {
    // 7 failures then one answer among the first 8: not a setup problem.
    let n = 0;
    const srv = await startFakeServer(() => (++n === 5 ? { content: '答案：A' } : { status: 400 }));
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: srv.url, model: 'm', concurrency: 1 });
      expect(run.records).toHaveLength(12);
      expect(run.info.partial).toBe(false);
      expect(run.summary.overall.failed).toBe(11);
    } finally {
      await srv.close();
    }
    // Different 4xx statuses do not count as one setup failure either.
    let k = 0;
    const mixed = await startFakeServer(() => ({ status: ++k % 2 ? 400 : 404 }));
    try {
      const run = await runAccuracy({ dataDir: DATA, baseUrl: mixed.url, model: 'm', concurrency: 1 });
      expect(run.records).toHaveLength(12);
    } finally {
      await mixed.close();
    }
  });

  it('refuses bad options before sending anything', async () => {
    await expect(runAccuracy({ dataDir: DATA, baseUrl: 'http://127.0.0.1:1', model: 'm', concurrency: 0 })).rejects.toThrow(/^concurrency: must be an integer >= 1: got 0/);
    await expect(runAccuracy({ dataDir: DATA, baseUrl: 'http://127.0.0.1:1', model: 'm', shots: 3 })).rejects.toThrow(/shots: 3 asked but the dev split has 2 usable questions for high_school_mathematics/);
  });
});
