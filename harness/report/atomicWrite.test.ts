import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomicWriteFile, atomicWriteFileSync } from './atomicWrite.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'abserve-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function* failingAfterOneLine(): Iterable<string> {
  yield 'partial line\n';
  throw new Error('disk on fire');
}

describe('atomicWriteFile', () => {
  it('creates missing directories and leaves only the target', async () => {
    const target = path.join(dir, 'a', 'b', 'run.json');
    await atomicWriteFile(target, '{"x":1}\n');
    expect(readFileSync(target, 'utf8')).toBe('{"x":1}\n');
    expect(readdirSync(path.dirname(target))).toEqual(['run.json']);
  });

  it('writes iterables of chunks in order', async () => {
    const target = path.join(dir, 'r.jsonl');
    await atomicWriteFile(target, ['a\n', new TextEncoder().encode('b\n'), 'c\n']);
    expect(readFileSync(target, 'utf8')).toBe('a\nb\nc\n');
  });

  it('keeps the old file intact and removes the temp file when the write fails', async () => {
    const target = path.join(dir, 'run.json');
    writeFileSync(target, 'old contents');
    await expect(atomicWriteFile(target, failingAfterOneLine())).rejects.toThrow('disk on fire');
    expect(readFileSync(target, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('removes the temp file when the rename fails', async () => {
    const target = path.join(dir, 'taken');
    mkdirSync(path.join(target, 'child'), { recursive: true }); // a non-empty directory in the way
    await expect(atomicWriteFile(target, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('a folder that cannot be made (Node 20 recursive mkdir never returns under /proc)', () => {
  it.skipIf(process.platform !== 'linux')('is a one-line error naming the file, async and sync', async () => {
    await expect(atomicWriteFile('/proc/x/report.html', 'x')).rejects.toThrow(/^writing \/proc\/x\/report\.html: \/proc\/x: cannot create \/proc\/x \(E[A-Z]+\)$/);
    expect(() => atomicWriteFileSync('/proc/x/y.json', 'x')).toThrow(/^writing \/proc\/x\/y\.json: \/proc\/x: cannot create/);
  }, 5_000);
});

describe('atomicWriteFileSync', () => {
  it('replaces the file, or leaves it alone on failure', () => {
    const target = path.join(dir, 'run.json');
    atomicWriteFileSync(target, 'v1');
    expect(readFileSync(target, 'utf8')).toBe('v1');
    expect(() => atomicWriteFileSync(target, failingAfterOneLine())).toThrow('disk on fire');
    expect(readFileSync(target, 'utf8')).toBe('v1');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });
});
