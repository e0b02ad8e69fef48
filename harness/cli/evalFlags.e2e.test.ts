// `abserve eval` and `eval compare` on the mistakes of a fresh-user trial: --out paths that cannot be
// folders (under /proc Node 20's recursive mkdir never returned; an existing file or folder ended in a
// stack trace), numeric flags and a relabelling --resume refused before the server is contacted, a run
// with failed requests exiting 3 with the way to retry them, and a run compared with itself.
import { execa } from 'execa';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startFakeServer } from '../accuracy/fakeServer.js';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const DATA = fileURLToPath(new URL('../accuracy/fixtures/ceval-mini', import.meta.url));
const tmp = testTempDir('abserve-eval-flags-');
// Nothing listens on port 1: a command that contacts the server there fails with a connection error.
const DEAD = 'http://127.0.0.1:1';

/** Runs abserve; a hang is killed (SIGKILL: the /proc spin ignored SIGTERM) after 20 s and fails the test. */
const abserve = (...args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, timeout: 20_000, killSignal: 'SIGKILL' });

/** One line on stderr, exit 2, nothing on stdout. */
function oneLine(r: { exitCode?: number; stderr: string; stdout: string }, message: RegExp): void {
  expect(r.exitCode, r.stderr).toBe(2);
  expect(r.stderr.trim()).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).toBe('');
}

/** A complete saved run of the 12 fixture questions, asked of a fake server that answers A. */
async function savedRun(name: string, label?: string): Promise<string> {
  const srv = await startFakeServer(() => ({ content: '答案：A' }));
  try {
    const dir = path.join(tmp, name);
    const r = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', dir, '--quiet', ...(label ? ['--label', label] : []));
    expect(r.exitCode, r.stderr).toBe(0);
    return dir;
  } finally {
    await srv.close();
  }
}

describe('abserve eval --out', () => {
  it.runIf(process.platform === 'linux')('a folder that cannot be made (/proc/x) is one line, not a hang', async () => {
    const srv = await startFakeServer(() => ({ content: '答案：A' }));
    try {
      const r = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', '/proc/x', '--quiet');
      oneLine(r, /^abserve: --out \/proc\/x: cannot create \/proc\/x \(E[A-Z]+\)$/);
      expect(srv.bodies).toHaveLength(0);
    } finally {
      await srv.close();
    }
  });

  it('an existing file is one line naming the flag and value, before the server is contacted', async () => {
    const file = path.join(tmp, 'README.md');
    fs.writeFileSync(file, 'x\n');
    oneLine(await abserve('eval', '--data-dir', DATA, '--base-url', DEAD, '--out', file), new RegExp(`^abserve: --out ${file}: is a file, not a folder$`));
    oneLine(
      await abserve('eval', '--data-dir', DATA, '--base-url', DEAD, '--out', path.join(file, 'run')),
      new RegExp(`^abserve: --out ${file}/run: ${file} is a file, not a folder$`),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('x\n');
  });
});

describe('abserve eval compare --out', () => {
  it.runIf(process.platform === 'linux')('a folder that cannot be made (/proc/x/y) is one line before anything is printed, not a hang', async () => {
    const a = await savedRun('cmp-proc');
    oneLine(await abserve('eval', 'compare', a, a, '--out', '/proc/x/y'), /^abserve: --out \/proc\/x\/y: cannot create \/proc\/x \(E[A-Z]+\)$/);
  });

  it('an existing folder is one line (--out is the JSON file), before anything is printed', async () => {
    const a = await savedRun('cmp-dir');
    const dir = path.join(tmp, 'a-folder');
    fs.mkdirSync(dir);
    oneLine(await abserve('eval', 'compare', a, a, '--out', dir), new RegExp(`^abserve: --out ${dir}: is a folder; --out names the JSON file to write, e.g. ${dir}/comparison.json$`));
    expect(fs.readdirSync(dir)).toEqual([]);
    // A file where a folder above it should be.
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, '');
    oneLine(await abserve('eval', 'compare', a, a, '--out', path.join(file, 'c.json')), new RegExp(`^abserve: --out ${file}: is a file, not a folder$`));
    // A file in a folder not there yet is written, the folder made.
    const out = path.join(tmp, 'new', 'deeper', 'c.json');
    const ok = await abserve('eval', 'compare', a, a, '--out', out);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).paired).toBe(12);
  });
});

describe('abserve eval diff --out', () => {
  it.runIf(process.platform === 'linux')('a folder that cannot be made (/proc/x) is one line before anything is printed, not a hang', async () => {
    const a = await savedRun('diff-proc');
    oneLine(await abserve('eval', 'diff', a, a, '--out', '/proc/x'), /^abserve: --out \/proc\/x: cannot create \/proc\/x \(E[A-Z]+\)$/);
  });
});

describe('abserve eval compare of a run with itself', () => {
  it('warns for the same folder and for a copy of one run (same start, model, server); not for two runs', async () => {
    const a = await savedRun('self-a');
    const b = await savedRun('self-b');
    const same = await abserve('eval', 'compare', a, path.join(a, 'accuracy.json'));
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.stderr.trim()).toBe(`warning: A and B are the same run (${a}): every difference is zero by construction`);
    const copy = path.join(tmp, 'self-copy');
    fs.cpSync(a, copy, { recursive: true });
    const copied = await abserve('eval', 'compare', a, copy, '--json');
    expect(copied.exitCode, copied.stderr).toBe(0);
    expect(copied.stderr).toMatch(/^warning: A and B are the same run \(.*self-a and .*self-copy both hold the run of fake-model started .*\): every difference is zero by construction$/m);
    // stdout stays JSON; the warning is among its notes.
    expect(JSON.parse(copied.stdout).notes).toContainEqual(expect.stringMatching(/^A and B are the same run/));
    const two = await abserve('eval', 'compare', a, b);
    expect(two.exitCode, two.stderr).toBe(0);
    expect(two.stderr).not.toMatch(/same run/);
  });
});

describe('abserve eval: checks before the server is contacted', () => {
  it.each([
    [['--concurrency', '0'], /^abserve: --concurrency: expected an integer >= 1, got 0$/],
    [['--concurrency', '2.5'], /^abserve: --concurrency: expected an integer >= 1, got 2\.5$/],
    [['--retries', '-1'], /^abserve: --retries: expected an integer >= 0, got -1$/],
    [['--shots', '-1'], /^abserve: --shots: expected an integer >= 0, got -1$/],
    [['--seed', '0.5'], /^abserve: --seed: expected an integer, got 0\.5$/],
  ])('%j is one line naming the flag (no connection error from %s)', async (flags, message) => {
    oneLine(await abserve('eval', '--data-dir', DATA, '--base-url', DEAD, ...flags), message);
  });

  it('--resume DIR --label X refuses to relabel the saved run, naming both labels', async () => {
    const dir = await savedRun('relabel', 'A');
    oneLine(
      await abserve('eval', '--data-dir', DATA, '--base-url', DEAD, '--resume', dir, '--label', 'X'),
      new RegExp(`^abserve: --label: "X" differs from the run in ${dir}, which is labelled "A"; a resumed run keeps its label \\(leave the label out\\)$`),
    );
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'accuracy.json'), 'utf8')).info.label).toBe('A');
  });
});

describe('abserve eval with failed requests', () => {
  it('exits 3 with the way to ask them again; --resume asks exactly those and exits 0', async () => {
    // Two questions fail with a 400 (never retried) the first time they are asked.
    const srv = await startFakeServer((text, attempt) => ((text.includes('1+1') || text.includes('会计题三')) && attempt === 1 ? { status: 400 } : { content: '答案：A' }));
    try {
      const dir = path.join(tmp, 'failing');
      const r = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--out', dir, '--retries', '0', '--quiet');
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stdout).toMatch(/Outcomes: correct \d+, wrong \d+, unparsed 0, truncated 0, failed 2/);
      expect(r.stderr).toMatch(/^warning: 2 request\(s\) failed \(retries off: none was retried\);/m);
      expect(r.stderr.trim().split('\n').at(-1)).toBe(
        `abserve: 2 of 12 requests failed, so the run is incomplete (exit 3); run again with the same flags and --resume ${dir} (in place of --out) to ask them again`,
      );
      const before = srv.bodies.length;
      const again = await abserve('eval', '--data-dir', DATA, '--base-url', srv.url, '--resume', dir, '--retries', '0', '--quiet');
      expect(again.exitCode, again.stderr).toBe(0);
      expect(srv.bodies.length - before).toBe(2);
      expect(again.stdout).toMatch(/Outcomes: correct \d+, wrong \d+, unparsed 0, truncated 0, failed 0/);
    } finally {
      await srv.close();
    }
  });
});
