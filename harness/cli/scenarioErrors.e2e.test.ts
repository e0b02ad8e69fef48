// A scenario file's problems at the command line: every problem on a line of its own, each line
// with the `abserve:` prefix (the first alone had it), and the flags that stand for scenario fields
// (`ab --repetitions`) checked with the file, so one run lists every problem.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../common/testTmp.js';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const DIR = testTempDir('abserve-scnerr-');

function scenario(name: string, text: string): string {
  const file = path.join(DIR, name);
  writeFileSync(file, text);
  return file;
}

describe('abserve ab with a scenario that has several problems', () => {
  it('lists the file\'s problems and --repetitions\' together, every line prefixed, exit 2', async () => {
    const file = scenario('bad.yaml', 'target: {engine: {profile: tiny}}\narms: [{name: a}, {name: a}]\nworkload: {num_prompts: -1}\n');
    const r = await execa(process.execPath, [BIN, 'ab', '--repetitions', '0', file], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n').sort()).toEqual([
      `abserve: ${file}: arms[1].name: duplicate arm name (also arms[0].name), got "a"`,
      `abserve: ${file}: repetitions: expected a positive integer <= 1000, got 0 (from --repetitions)`,
      `abserve: ${file}: workload.num_prompts: expected a positive integer <= 1000000, got -1`,
    ]);
  });

  it('names a duplicate key at its line:col, one line', async () => {
    const file = scenario('dup.yaml', 'target: {engine: {profile: tiny}}\narms: [{name: a}]\narms: [{name: b}]\n');
    const r = await execa(process.execPath, [BIN, 'ab', file], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(`abserve: ${file}:3:1: duplicate key "arms"`);
  });
});
