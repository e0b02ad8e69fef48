// Atomic file replacement: write a temp file in the target's directory, fsync it, rename it over
// the target, fsync the directory. A reader (or a crash, or Ctrl-C) sees the old file or the new
// one, never a torn one; on failure the temp file is removed and the old file is untouched.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { makeFolders } from '../common/folders.js';

export type AtomicData = string | Uint8Array | Iterable<string | Uint8Array>;

function tempPathFor(target: string): string {
  // Same directory, so rename(2) never crosses a filesystem; dot-prefixed and unique per writer.
  const name = `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  return path.join(path.dirname(target), name);
}

function chunksOf(data: AtomicData): Iterable<string | Uint8Array> {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

/** The target's folder, made one level at a time (common/folders.ts: Node's recursive mkdir never
 *  returns under /proc); a folder that cannot be made is a UserError naming the file. */
function makeFolderFor(target: string): void {
  makeFolders(path.dirname(target), `writing ${target}:`);
}

export async function atomicWriteFile(target: string, data: AtomicData): Promise<void> {
  makeFolderFor(target);
  const tmp = tempPathFor(target);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', 0o644);
    // writeFile writes every byte from the current position on; iterables let large outputs (per-request
    // JSONL) stream without building one giant string.
    for (const chunk of chunksOf(data)) await fh.writeFile(chunk);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(target));
}

/** Synchronous twin for exit paths (signal handlers) where awaiting is not an option. */
export function atomicWriteFileSync(target: string, data: AtomicData): void {
  makeFolderFor(target);
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    for (const chunk of chunksOf(data)) fs.writeFileSync(fd, chunk);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = fs.openSync(path.dirname(target), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directory fsync is best effort (not supported on every platform/filesystem).
  }
}

// Makes the rename itself durable; best effort, as some platforms refuse fsync on directories.
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await fsp.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}
