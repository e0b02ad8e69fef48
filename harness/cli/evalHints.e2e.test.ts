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
  it('--resume says what it kept and what it asks, and accuracy.json records each resume', async () => {
    // Two questions fail with a 400 (never retried) the first time they are asked.
    const srv = await startFakeServer((text, attempt) => ((text.includes('1+1') || text.includes('会计题三')) && attempt === 1 ? { status: 400 } : { content: '答案：A' }));
    try {
      const dir = path.join(tmp, 'resumed');
      const first = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', dir, '--retries', '0', '--quiet');
      expect(first.exitCode, first.stderr).toBe(3);
      expect(first.stderr).not.toMatch(/resuming/);
      const info = () => JSON.parse(fs.readFileSync(path.join(dir, 'accuracy.json'), 'utf8')).info;
      // A run never resumed has no resumes (its accuracy.json, as files written before the field, has none).
      expect(info().resumes).toBeUndefined();
      const again = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--resume', dir, '--retries', '0', '--quiet');
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr.split('\n')).toContain(`resuming ${dir}: 10 answers kept, 2 questions to ask (2 of them failed before)`);
      expect(info().resumes).toEqual([{ at: expect.any(String), answersKept: 10, failedAskedAgain: 2, toAsk: 2 }]);
      const third = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--resume', dir, '--quiet');
      expect(third.exitCode, third.stderr).toBe(0);
      expect(third.stderr.split('\n')).toContain(`resuming ${dir}: 12 answers kept, 0 questions to ask`);
      expect(info().resumes.map((r: { answersKept: number }) => r.answersKept)).toEqual([10, 12]);
    } finally {
      await srv.close();
    }
  });
  it('--out naming a saved run is refused in one line naming --resume, before the server is contacted', async () => {
    const srv = await startFakeServer(() => ({ content: '答案：A' }));
    try {
      const dir = path.join(tmp, 'existing');
      const first = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', dir, '--quiet');
      expect(first.exitCode, first.stderr).toBe(0);
      const asked = srv.bodies.length;
      const r = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', dir, '--quiet');
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim()).toBe(`abserve: --out ${dir}: holds a saved run (answers.jsonl); choose another folder, or continue that run with --resume ${dir} (in place of --out)`);
      expect(r.stdout).toBe('');
      expect(srv.bodies.length).toBe(asked);
    } finally {
      await srv.close();
    }
  });
  it('a 401 names --api-key and OPENAI_API_KEY: at the probe (exit 2) and on every question (exit 1)', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'OPENAI_API_KEY'));
    const noKey = (...args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000, killSignal: 'SIGKILL', env, extendEnv: false });
    const hint = '; the server wants an API key: pass --api-key KEY (or set OPENAI_API_KEY)';
    const locked = await startFakeServer(() => ({ content: '答案：A' }), { apiKey: 'k' });
    try {
      const r = await noKey('eval', '--data-dir', DATA, '--base-url', locked.url, '--out', path.join(tmp, 'key1'), '--quiet');
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(/answered 401: .*Unauthorized/);
      expect(r.stderr.trim().endsWith(hint)).toBe(true);
      const ok = await noKey('eval', '--data-dir', DATA, '--base-url', locked.url, '--out', path.join(tmp, 'key2'), '--quiet', '--api-key', 'k');
      expect(ok.exitCode, ok.stderr).toBe(0);
    } finally {
      await locked.close();
    }
    // /v1/models open, the chat route locked: every question fails with the same 401.
    const chat = await startFakeServer(() => ({ content: '答案：A' }), { apiKey: 'k', modelsOpen: true });
    try {
      const r = await noKey('eval', '--data-dir', DATA, '--base-url', chat.url, '--out', path.join(tmp, 'key3'), '--quiet');
      expect(r.exitCode, r.stderr).toBe(1);
      const last = r.stderr.trim().split('\n').at(-1)!;
      expect(last).toMatch(/HTTP 401/);
      expect(last.endsWith(hint)).toBe(true);
    } finally {
      await chat.close();
    }
  });
});
