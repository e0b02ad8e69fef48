// Reading saved runs back: missing and malformed files are one-line errors naming the file (and
// line); a torn last line (crash mid-write) is tolerated.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAccuracyRun } from './savedRun.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-saved-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const INFO = { info: { schema: 'abserve.accuracy/1', partial: true }, summary: {} };
const rec = (i: number) => JSON.stringify({ key: `logic/${i}`, subject: 'logic', outcome: 'correct', correct: true });

function dir(name: string, info: unknown, answers?: string): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(d);
  if (info !== undefined) fs.writeFileSync(path.join(d, 'accuracy.json'), typeof info === 'string' ? info : JSON.stringify(info));
  if (answers !== undefined) fs.writeFileSync(path.join(d, 'answers.jsonl'), answers);
  return d;
}

describe('loadAccuracyRun', () => {
  it('reads a run and recomputes its scores; a torn last line is dropped', () => {
    const d = dir('ok', INFO, `${rec(1)}\n${rec(2)}\n{"key":"logic/3","sub`);
    const run = loadAccuracyRun(path.join(d, 'accuracy.json'));
    expect(run.records).toHaveLength(2);
    expect(run.summary.overall).toMatchObject({ n: 2, correct: 2, micro: 1 });
  });
  it('names the missing or malformed file', () => {
    expect(() => loadAccuracyRun(path.join(tmp, 'none'))).toThrow(/none\/accuracy\.json: not a readable accuracy run/);
    expect(() => loadAccuracyRun(dir('schema', { info: { schema: 'x' } }, ''))).toThrow(/info\.schema is "x", expected "abserve\.accuracy\/1"/);
    expect(() => loadAccuracyRun(dir('noans', INFO))).toThrow(/noans\/answers\.jsonl: missing/);
    expect(() => loadAccuracyRun(dir('bad', INFO, `${rec(1)}\n{oops\n${rec(2)}\n`))).toThrow(/bad\/answers\.jsonl:2: not JSON/);
    expect(() => loadAccuracyRun(dir('shape', INFO, `{"key":1}\n`))).toThrow(/shape\/answers\.jsonl:1: not an answer record/);
  });
});
