// An accuracy run on disk: `answers.jsonl` (one AnswerRecord per line, appended as answers arrive,
// so a crash loses nothing answered) and `accuracy.json` (settings, scores; replaced atomically).
// Reading a run back recomputes the scores from the answers, so a run that crashed before its last
// accuracy.json write is still read correctly, and still marked partial.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../common/errors.js';
import { makeFolders } from '../common/folders.js';
import { atomicWriteFile } from '../report/atomicWrite.js';
import { summarize } from './score.js';
import type { AccuracyInfo, AccuracyRun, AnswerRecord } from './types.js';

export const ANSWERS_FILE = 'answers.jsonl';
export const INFO_FILE = 'accuracy.json';

/** answers.jsonl opened for appending; appends are serialised and each line is one write. */
export class AnswersFile {
  private chain: Promise<void> = Promise.resolve();
  private constructor(private readonly fh: fsp.FileHandle) {}

  /** A new answers.jsonl, or (`append`, for --resume) the existing one continued. `dir` is made
   *  one level at a time (makeFolders: Node 20's recursive mkdir never returns under /proc).
   *  @throws UserError `out_dir DIR: ...` when `dir` or a folder above it is a file or cannot be
   *  created; UserError when not appending and `dir` already holds answers (a run is never mixed
   *  into another). */
  static async create(dir: string, append = false): Promise<AnswersFile> {
    makeFolders(dir, 'out_dir');
    const file = path.join(dir, ANSWERS_FILE);
    try {
      return new AnswersFile(await fsp.open(file, append ? 'a' : 'wx'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UserError(`${file} already exists: choose another output directory, or resume that run`);
      throw e;
    }
  }

  append(r: AnswerRecord): Promise<void> {
    this.chain = this.chain.then(() => this.fh.appendFile(JSON.stringify(r) + '\n'));
    return this.chain;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh.sync().catch(() => undefined);
    await this.fh.close();
  }
}

/** Writes accuracy.json (info and summary; the answers live in answers.jsonl) atomically. */
export async function writeInfo(dir: string, run: AccuracyRun): Promise<string> {
  const file = path.join(dir, INFO_FILE);
  await atomicWriteFile(file, JSON.stringify({ info: run.info, summary: run.summary }, null, 2) + '\n');
  return file;
}

/** Why two saved runs given to a comparison are one and the same run, or null when they are not:
 *  the same folder (after resolving `.`, `..` and symlinks), or two folders whose accuracy.json
 *  carry the same start time, model and server (a copy of one run: a run's `startedAt` is an ISO
 *  timestamp in ms, kept on --resume, so it is the run's identity). Compared with itself every
 *  difference is zero by construction, which says nothing about the change. */
export function sameRunReason(dirA: string, a: AccuracyInfo, dirB: string, b: AccuracyInfo): string | null {
  const real = (d: string) => {
    try {
      return fs.realpathSync(d);
    } catch {
      return path.resolve(d);
    }
  };
  if (real(dirA) === real(dirB)) return `A and B are the same run (${dirA}): every difference is zero by construction`;
  if (a.startedAt !== '' && a.startedAt === b.startedAt && a.model === b.model && a.baseUrl === b.baseUrl) {
    return `A and B are the same run (${dirA} and ${dirB} both hold the run of ${a.model} started ${a.startedAt}): every difference is zero by construction`;
  }
  return null;
}

/** The folder of a saved run named by its directory or its accuracy.json / answers.jsonl path. */
export function accuracyRunDir(where: string): string {
  return /\.(json|jsonl)$/.test(where) ? path.dirname(where) : where;
}

/** Reads a saved run from its directory (or its accuracy.json / answers.jsonl path).
 *  @throws UserError naming the file (and line) when a file is missing or malformed. */
export function loadAccuracyRun(where: string): AccuracyRun {
  const dir = accuracyRunDir(where);
  const infoFile = path.join(dir, INFO_FILE);
  let info: AccuracyInfo;
  try {
    info = (JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { info: AccuracyInfo }).info;
  } catch (e) {
    throw new UserError(`${infoFile}: not a readable accuracy run (${(e as Error).message.split('\n')[0]})`);
  }
  if (info?.schema !== 'abserve.accuracy/1') throw new UserError(`${infoFile}: info.schema is ${JSON.stringify(info?.schema)}, expected "abserve.accuracy/1"`);
  const answersFile = path.join(dir, ANSWERS_FILE);
  let text: string;
  try {
    text = fs.readFileSync(answersFile, 'utf8');
  } catch {
    throw new UserError(`${answersFile}: missing (every accuracy run has one)`);
  }
  const records: AnswerRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let r: AnswerRecord;
    try {
      r = JSON.parse(line) as AnswerRecord;
    } catch (e) {
      // A crash can tear only the very last line; anything earlier is corruption.
      if (i === lines.length - 1) return;
      throw new UserError(`${answersFile}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof r?.key !== 'string' || typeof r.subject !== 'string' || typeof r.outcome !== 'string') {
      throw new UserError(`${answersFile}:${i + 1}: not an answer record (key, subject, outcome required)`);
    }
    records.push(r);
  });
  return { info, records, summary: summarize(records) };
}
