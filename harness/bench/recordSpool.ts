// Records go to disk as they finish (issue 10): a run of many thousand requests does not hold every
// response's text until the end (tens of KB per request), and a run that dies (kill -9, a crash)
// still leaves every completed request in `<dir>/abserve-bench-<pid>.partial.requests.jsonl`.
// The writer appends through a buffered stream (no synchronous I/O on the timing path); readers
// stream the file back line by line with a fixed buffer, so reading is bounded in memory too.
import { closeSync, createWriteStream, openSync, readSync, rmSync, type WriteStream } from 'node:fs';
import type { RequestRecord } from '../records/record.js';
import type { BenchResult } from '../metrics/types.js';

/** An append-only JSONL file of RequestRecords, one line per finished request. */
export class RecordSpool {
  private readonly out: WriteStream;
  private failed: Error | undefined;
  private n = 0;

  /** Create (truncate) the spool file at `path`; its directory must exist. `line` turns a record
   *  into its line (default: the raw record as JSON). */
  constructor(
    readonly path: string,
    private readonly line: (r: RequestRecord) => string = (r) => JSON.stringify(r),
  ) {
    this.out = createWriteStream(path, { flags: 'w' });
    this.out.on('error', (e) => (this.failed ??= e));
  }

  /** Records appended so far. */
  get count(): number {
    return this.n;
  }

  /** Append one record (buffered; written in the background). */
  append(r: RequestRecord): void {
    this.out.write(this.line(r) + '\n');
    this.n++;
  }

  /** Flush and close; rejects with the first write error (e.g. the disk filled up). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (this.failed) throw this.failed;
  }

  /** Remove the file (after its records were saved for good). */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/**
 * Drop what the spool keeps from a record held in memory (generated text, reasoning, tool calls):
 * timing and counts stay, so metrics can still be aggregated from memory.
 */
export function compactRecord(r: RequestRecord): void {
  r.text = '';
  r.reasoningText = '';
  delete r.toolCalls;
}

/** Lines of a file, read synchronously through a 64 KiB buffer (bounded memory). */
export function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let rest = '';
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const s = rest + buf.toString('utf8', 0, n);
      const lines = s.split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l !== '') yield l;
    }
    // A run killed mid-write leaves a torn last line: skip it rather than fail the whole file.
    if (rest !== '') {
      try {
        JSON.parse(rest);
        yield rest;
      } catch {
        /* torn */
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** The records of a spool file, in the order they finished. */
export function* spoolRecords(path: string): Generator<RequestRecord> {
  for (const l of fileLines(path)) yield JSON.parse(l) as RequestRecord;
}

/**
 * Put the generated texts back into a result aggregated from compacted records (the saved JSON's
 * generated_texts), reading them from the spool.
 */
export function restoreTexts(result: BenchResult, path: string): void {
  const byIndex = new Map(result.requests.map((m) => [m.index, m]));
  for (const r of spoolRecords(path)) {
    if (r.warmup) continue;
    const m = byIndex.get(r.index);
    if (m) {
      m.text = r.text;
      m.reasoningText = r.reasoningText;
    }
  }
}
