// The loader against the made-up fixture and malformed copies of it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../common/errors.js';
import { loadQuestions } from './dataset.js';
import { CATEGORIES, SUBJECTS } from './subjects.js';
import { testTempDir } from '../common/testTmp.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'ceval-mini');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'abserve-ceval-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixture with one val file replaced. */
function copyWith(file: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'c-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'val', file), text);
  return dir;
}
const HEADER = 'id,question,A,B,C,D,answer,explanation\n';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('subject table', () => {
  it('has the 52 subjects in 4 categories with C-Eval counts', () => {
    expect(SUBJECTS).toHaveLength(52);
    const count = (c: string) => SUBJECTS.filter((s) => s.category === c).length;
    expect(CATEGORIES.map(count)).toEqual([20, 10, 11, 11]);
    expect(SUBJECTS.find((s) => s.key === 'accountant')?.chinese).toBe('注册会计师');
  });
});

describe('loadQuestions', () => {
  it('loads val by default, in table order, with quoted fields intact', () => {
    const d = loadQuestions({ dataDir: FIXTURE });
    expect(d.split).toBe('val');
    expect(d.subjects).toEqual(['high_school_mathematics', 'modern_chinese_history', 'accountant']);
    expect(d.questions).toHaveLength(12);
    expect(d.missing).toHaveLength(49);
    const q = d.questions.find((x) => x.key === 'accountant/1')!;
    expect(q.question).toBe('虚构会计题，含逗号, 和"引号"，选____。');
    expect(q.choices.A).toBe('a,b');
    expect(q.answer).toBe('A');
  });
  it('filters by subjects, categories and a per-subject limit', () => {
    expect(loadQuestions({ dataDir: FIXTURE, subjects: ['accountant'] }).questions).toHaveLength(4);
    const hum = loadQuestions({ dataDir: FIXTURE, categories: ['Humanities'] });
    expect(hum.subjects).toEqual(['modern_chinese_history']);
    expect(hum.missing).toHaveLength(10);
    const lim = loadQuestions({ dataDir: FIXTURE, limit: 2 });
    expect(lim.questions).toHaveLength(6);
    expect(lim.questions.map((q) => q.id)).toEqual(['0', '1', '0', '1', '0', '1']);
    expect(loadQuestions({ dataDir: FIXTURE, split: 'dev' }).questions).toHaveLength(6);
  });
  it('refuses the test split, unknown subjects and categories, bad limits', () => {
    expect(errorOf(() => loadQuestions({ dataDir: FIXTURE, split: 'test' })).message).toMatch(/^split: "test" has no answers/);
    expect(errorOf(() => loadQuestions({ dataDir: FIXTURE, subjects: ['acountant'] })).message).toMatch(/subjects: "acountant"/);
    expect(errorOf(() => loadQuestions({ dataDir: FIXTURE, categories: ['Science' as never] })).message).toMatch(
      /categories: "Science"/,
    );
    expect(errorOf(() => loadQuestions({ dataDir: FIXTURE, limit: 0 })).message).toMatch(/limit/);
    expect(errorOf(() => loadQuestions({ dataDir: FIXTURE, subjects: ['logic'] })).message).toMatch(/no val questions/);
    expect(errorOf(() => loadQuestions({ dataDir: path.join(tmp, 'nope') })).message).toMatch(/not a readable directory/);
  });
  it('reports an answer that is not A-D by file and line', () => {
    const dir = copyWith('accountant_val.csv', HEADER + '0,q,a,b,c,d,A,\n1,q,a,b,c,d,E,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toBe(
      `${path.join(dir, 'val', 'accountant_val.csv')}:3: answer "E" is not one of A, B, C, D`,
    );
  });
  it('reports malformed CSV, missing columns, empty fields and duplicate ids', () => {
    const file = (dir: string) => path.join(dir, 'val', 'accountant_val.csv');
    let dir = copyWith('accountant_val.csv', HEADER + '0,"unclosed,a,b,c,d,A,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toMatch(new RegExp(`^${file(dir)}:\\d+: malformed CSV`));
    dir = copyWith('accountant_val.csv', HEADER + '0,q,a,b,c,A,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toMatch(new RegExp(`^${file(dir)}:2: malformed CSV`));
    dir = copyWith('accountant_val.csv', 'id,question,A,B,C,D\n0,q,a,b,c,d\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toBe(`${file(dir)}:1: missing column(s) answer (expected id,question,A,B,C,D,answer,explanation)`);
    dir = copyWith('accountant_val.csv', HEADER + '0,,a,b,c,d,A,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toBe(`${file(dir)}:2: field "question" is empty`);
    dir = copyWith('accountant_val.csv', HEADER + '0,q,a,b,c,d,A,\n0,q,a,b,c,d,B,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toMatch(/duplicate question id "0" in subject accountant/);
  });
  it('reports a file whose name is not a C-Eval subject', () => {
    const dir = copyWith('accounting_val.csv', HEADER + '0,q,a,b,c,d,A,\n');
    expect(errorOf(() => loadQuestions({ dataDir: dir })).message).toMatch(/accounting_val\.csv: not a C-Eval subject file/);
  });
  it('loads JSONL and reports its bad lines', () => {
    const f = path.join(tmp, 'q.jsonl');
    const row = { subject: 'logic', id: 7, question: 'q', A: 'a', B: 'b', C: 'c', D: 'd', answer: 'D' };
    fs.writeFileSync(f, JSON.stringify(row) + '\n\n' + JSON.stringify({ ...row, id: 8, answer: 'B' }) + '\n');
    const d = loadQuestions({ dataDir: f });
    expect(d.questions.map((q) => [q.key, q.answer])).toEqual([
      ['logic/7', 'D'],
      ['logic/8', 'B'],
    ]);
    fs.writeFileSync(f, JSON.stringify(row) + '\n{oops\n');
    expect(errorOf(() => loadQuestions({ dataDir: f })).message).toMatch(new RegExp(`^${f}:2: not JSON`));
    fs.writeFileSync(f, JSON.stringify({ ...row, answer: 'b' }) + '\n');
    expect(errorOf(() => loadQuestions({ dataDir: f })).message).toBe(`${f}:1: answer "b" is not one of A, B, C, D`);
  });
});

describe('a data dir without the asked split', () => {
  it('names the other split when only it is there (the dev split alone is a common download)', () => {
    const root = testTempDir('abserve-ds-split-');
    fs.mkdirSync(path.join(root, 'dev'));
    fs.writeFileSync(path.join(root, 'dev', 'accountant_dev.csv'), 'id,question,A,B,C,D,answer,explanation\n0,q,a,b,c,d,A,\n');
    expect(() => loadQuestions({ dataDir: root })).toThrow(/is not a readable directory \(expected the ceval-exam layout: val\/<subject>_val\.csv\); it has dev\/: use that split \(--split dev, or split: dev in a scenario's accuracy\)$/);
    expect(loadQuestions({ dataDir: root, split: 'dev', subjects: ['accountant'] }).questions).toHaveLength(1);
  });

  it("scenarios/README.md offers exactly the splits loadQuestions accepts, and says why test is refused", () => {
    // The doc had listed `dev | val | test`; test is refused (no public answers).
    const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'scenarios', 'README.md'), 'utf8');
    const line = /^ +split: \w+ +# (.*(?:\n +#.*)*)/m.exec(doc);
    expect(line, 'the accuracy.split line of scenarios/README.md').not.toBeNull();
    const offered = line![1].split(';')[0].split('|').map((x) => x.trim());
    expect(offered.sort()).toEqual(['dev', 'val']);
    for (const split of offered) expect(loadQuestions({ dataDir: FIXTURE, split: split as 'dev' | 'val' }).questions.length).toBeGreaterThan(0);
    expect(() => loadQuestions({ dataDir: FIXTURE, split: 'test' })).toThrow(/^split: "test" has no answers/);
    expect(line![1]).toMatch(/test is refused[^]*no public answers/);
  });
});
