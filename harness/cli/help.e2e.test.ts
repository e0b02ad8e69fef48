// Every flag in `--help` says what it does: a bare `--flag  [boolean]` line tells a new user nothing.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));

/** The options of a help text that have no description (the flag followed only by [type] tags). */
function undescribed(help: string): string[] {
  return help
    .split('\n')
    .map((l) => /^ {2}(?:-\w, )?(--[\w-]+)(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !/^\s+[^\s[]/.test(m[2]!))
    .map((m) => m[1]!);
}

describe('help texts', () => {
  it.each([['ab'], ['compare']])('abserve %s --help describes every flag', async (command) => {
    const r = await execa(process.execPath, [BIN, command, '--help'], { reject: false, timeout: 30_000, env: { COLUMNS: '200' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/--help/);
    expect(undescribed(r.stdout)).toEqual([]);
  });
});
