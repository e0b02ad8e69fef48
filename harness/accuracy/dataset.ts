// C-Eval questions from disk: the official `ceval-exam` layout (`<dir>/<split>/<subject>_<split>.csv`)
// or one JSONL file. Every input problem is a UserError naming the file and line, checked here at the
// edge so nothing downstream re-checks. The data itself is never shipped (CC BY-NC-SA 4.0).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../common/errors.js';
import { CATEGORIES, SUBJECTS, subjectByKey, type Category } from './subjects.js';

export const LETTERS = ['A', 'B', 'C', 'D'] as const;
export type Letter = (typeof LETTERS)[number];

/** One multiple-choice question. `key` (`<subject>/<id>`) pairs a question across runs. */
export interface Question {
  key: string;
  subject: string;
  id: string;
  question: string;
  choices: Record<Letter, string>;
  answer: Letter;
  /** C-Eval's explanation column (often empty). */
  explanation: string;
}

/** The splits of the official archive. `test` has no answers and is refused by `loadQuestions`. */
export type Split = 'dev' | 'val' | 'test';

/** Which questions to load. Field names match the scenario file's `accuracy:` block. */
export interface DatasetOptions {
  /** Root of the official layout (holding `dev/`, `val/`, `test/`) or a `.jsonl` file. */
  dataDir: string;
  /** Default `val` (1346 questions in the official archive; the split published tables use). */
  split?: Split;
  /** Subject keys (e.g. `accountant`); default all 52. */
  subjects?: string[];
  categories?: Category[];
  /** At most this many questions per subject (the first ones, in file order), like evalscope's limit. */
  limit?: number;
}

/** What was loaded, with the subjects that were expected but absent (to print as a warning). */
export interface Dataset {
  split: Split;
  questions: Question[];
  /** Subject keys present after filtering, in the built-in table's order. */
  subjects: string[];
  /** Selected subjects with no file (or no rows) in the data: their absence changes the macro score. */
  missing: string[];
}

const REQUIRED_COLUMNS = ['id', 'question', 'A', 'B', 'C', 'D', 'answer'] as const;

/** Checks subject and category filters against the built-in table; returns the selected keys.
 *  @throws UserError naming `subjects` / `categories` and the unknown value. */
export function selectSubjects(subjects?: string[], categories?: Category[]): string[] {
  for (const s of subjects ?? []) {
    if (!subjectByKey(s)) throw new UserError(`subjects: "${s}" is not a C-Eval subject (e.g. ${SUBJECTS[0].key}, accountant)`);
  }
  for (const c of categories ?? []) {
    if (!CATEGORIES.includes(c)) throw new UserError(`categories: "${c}" is not one of ${CATEGORIES.join(', ')}`);
  }
  return SUBJECTS.filter(
    (s) => (!subjects?.length || subjects.includes(s.key)) && (!categories?.length || categories.includes(s.category)),
  ).map((s) => s.key);
}

/** Loads, checks and filters questions.
 *  @throws UserError for the test split, a missing directory, an unknown subject file, a malformed
 *  file or row (by file and line), a duplicate id, or an answer that is not A-D. */
export function loadQuestions(opts: DatasetOptions): Dataset {
  const split = opts.split ?? 'val';
  if (split === 'test') {
    throw new UserError(
      `split: "test" has no answers (C-Eval grades test submissions on cevalbenchmark.com); use val (default) or dev`,
    );
  }
  if (split !== 'val' && split !== 'dev') throw new UserError(`split: "${String(split)}" must be val or dev`);
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit > 0)) {
    throw new UserError(`limit: must be an integer > 0: got ${opts.limit}`);
  }
  const selected = selectSubjects(opts.subjects, opts.categories);
  const all = opts.dataDir.endsWith('.jsonl') ? readJsonl(opts.dataDir) : readSplitDir(opts.dataDir, split);
  const bySubject = new Map<string, Question[]>();
  for (const q of all) {
    const list = bySubject.get(q.subject) ?? [];
    list.push(q);
    bySubject.set(q.subject, list);
  }
  const questions: Question[] = [];
  const subjects: string[] = [];
  const missing: string[] = [];
  for (const key of selected) {
    const list = bySubject.get(key);
    if (!list?.length) {
      missing.push(key);
      continue;
    }
    subjects.push(key);
    questions.push(...(opts.limit ? list.slice(0, opts.limit) : list));
  }
  if (questions.length === 0) {
    throw new UserError(`${opts.dataDir}: no ${split} questions for the selected subjects (${selected.length} selected)`);
  }
  return { split, questions, subjects, missing };
}

function readSplitDir(dataDir: string, split: Split): Question[] {
  const dir = path.join(dataDir, split);
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    // The other split's folder is there (the dev split alone is a common download): name the flag.
    const other = split === 'val' ? 'dev' : 'val';
    const hint = fs.existsSync(path.join(dataDir, other)) ? `; it has ${other}/: use that split (--split ${other}, or split: ${other} in a scenario's accuracy)` : '';
    throw new UserError(`data_dir: ${dir} is not a readable directory (expected the ceval-exam layout: ${split}/<subject>_${split}.csv)${hint}`);
  }
  const out: Question[] = [];
  for (const name of names) {
    if (!name.endsWith('.csv')) continue;
    const file = path.join(dir, name);
    const suffix = `_${split}.csv`;
    const subject = name.endsWith(suffix) ? name.slice(0, -suffix.length) : '';
    if (!subjectByKey(subject)) throw new UserError(`${file}: not a C-Eval subject file (expected <subject>${suffix} with one of the 52 subject keys)`);
    out.push(...parseCsv(file, subject));
  }
  return out;
}

/** Parses one `<subject>_<split>.csv` (columns id,question,A,B,C,D,answer[,explanation]). */
export function parseCsv(file: string, subject: string): Question[] {
  const text = fs.readFileSync(file, 'utf8');
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(text, { columns: true, bom: true, info: true, skip_empty_lines: true }) as typeof rows;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new UserError(`${file}:${err.lines ?? '?'}: malformed CSV: ${err.message}`);
  }
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].split(',');
  const absent = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (absent.length) throw new UserError(`${file}:1: missing column(s) ${absent.join(', ')} (expected id,question,A,B,C,D,answer,explanation)`);
  return checkUnique(rows.map(({ record, info }) => toQuestion(record, subject, `${file}:${info.lines}`)), file);
}

function readJsonl(file: string): Question[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`data_dir: ${file} is not a readable file`);
  }
  const out: Question[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new UserError(`${where}: not JSON: ${(e as Error).message}`);
    }
    if (typeof row !== 'object' || row === null) throw new UserError(`${where}: expected an object`);
    const r = row as Record<string, unknown>;
    const subject = String(r.subject ?? '');
    if (!subjectByKey(subject)) throw new UserError(`${where}: subject "${subject}" is not a C-Eval subject`);
    out.push(toQuestion(r, subject, where));
  });
  return checkUnique(out, file);
}

function toQuestion(r: Record<string, unknown>, subject: string, where: string): Question {
  const field = (name: string): string => {
    const v = r[name];
    if (v === undefined || v === null || String(v).trim() === '') throw new UserError(`${where}: field "${name}" is empty`);
    return String(v);
  };
  const answer = String(r.answer ?? '').trim();
  if (!(LETTERS as readonly string[]).includes(answer)) {
    throw new UserError(`${where}: answer "${answer}" is not one of A, B, C, D`);
  }
  const id = field('id').trim();
  return {
    key: `${subject}/${id}`,
    subject,
    id,
    question: field('question'),
    // An option may legitimately be empty text; a missing column is caught by the header check.
    choices: { A: String(r.A ?? ''), B: String(r.B ?? ''), C: String(r.C ?? ''), D: String(r.D ?? '') },
    answer: answer as Letter,
    explanation: String(r.explanation ?? ''),
  };
}

function checkUnique(qs: Question[], file: string): Question[] {
  const seen = new Set<string>();
  for (const q of qs) {
    if (seen.has(q.key)) throw new UserError(`${file}: duplicate question id "${q.id}" in subject ${q.subject}`);
    seen.add(q.key);
  }
  return qs;
}
