// User errors on every command end in one clear line and exit code 2, never a stack trace.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/abserve.js', import.meta.url));
const SMOKE = fileURLToPath(new URL('../../scenarios/smoke.yaml', import.meta.url));

const CASES: [string[], RegExp][] = [
  [['micro', '--shapes', '12x'], /--shapes: '12x' is not TxHxD/],
  [['micro', '--dtypes', 'float8'], /--dtypes: unknown dtype 'float8'/],
  [['eval', '--data-dir', 'harness/accuracy/fixtures/ceval-mini', '--base-url', 'http://127.0.0.1:9', '--temperature', '-1'], /^abserve: --temperature: expected a number >= 0, got -1$/],
  [['engine', '--port', '0', '--time-scale', '-1'], /timeScale.*-1/],
  [['bench', '--request-rate', 'fast'], /--request-rate: expected "inf" or a number > 0, got fast/],
  [['bench', '--dataset-name', 'jsonl'], /--dataset-path is required/],
  // An unknown command: the word as typed, the nearest command when one is close, then the list.
  [['nosuchcommand'], /^abserve: Unknown command: nosuchcommand; commands: ab, bench, compare, report, eval, engine, micro, import, calibrate, predict, demo, bench-client$/],
  [['frobnicate'], /^abserve: Unknown command: frobnicate; commands: ab, bench, .*bench-client$/],
  [['benchh'], /^abserve: Unknown command: benchh \(did you mean bench\?\); commands: ab, bench, .*bench-client$/],
  [['bench-clinet', '--num-promts', '3'], /^abserve: Unknown command: bench-clinet \(did you mean bench-client\?\); commands: /],
  // Issue 10: a repeated single-value flag, on any command (main.ts middleware).
  [['engine', '--port', '1', '--port', '2'], /^abserve: --port given 2 times \(1, 2\); give it once$/m],
  // A repeated boolean flag: yargs keeps the last without a word, so it is counted as typed.
  [['bench', '--disable-tqdm', '--disable-tqdm'], /^abserve: --disable-tqdm given 2 times; give it once$/],
  [['bench', '--save-detailed', '--save-detailed'], /^abserve: --save-detailed given 2 times; give it once$/],
  [['bench', '--disable-tqdm', '--disable-progress'], /^abserve: --disable-tqdm given 2 times \(--disable-tqdm, --disable-progress\); give it once$/],
  [['ab', SMOKE, '--aa', '--no-aa'], /^abserve: --aa given 2 times \(--aa, --no-aa\); give it once$/],
  [['micro', '--json', '--json'], /^abserve: --json given 2 times; give it once$/],
  [['engine', '--check', '--check=false'], /^abserve: --check given 2 times \(--check, --check=false\); give it once$/],
  [['bench', '--label', 'a', '--label', 'b'], /^abserve: --label given 2 times \("a", "b"\); give it once$/],
  // An unknown flag: once, as typed (not also yargs' camelCase copy), with the nearest option of
  // the command when one is close.
  [['ab', SMOKE, '--bogus-flag', '3'], /^abserve: Unknown argument: --bogus-flag$/],
  [['bench', '--num-promts', '3'], /^abserve: Unknown argument: --num-promts \(did you mean --num-prompts\?\)$/],
  [['ab', SMOKE, '--repetiton', '3'], /^abserve: Unknown argument: --repetiton \(did you mean --repetitions\?\)$/],
  [['bench', '--num_prompts', '3', '--bogusFlag'], /^abserve: Unknown arguments: --num_prompts \(did you mean --num-prompts\?\), --bogusFlag$/],
  [['micro', '--thread=2'], /^abserve: Unknown argument: --thread \(did you mean --threads\?\)$/],
  // A number flag given text: the value as typed, not NaN, on every command.
  [['ab', SMOKE, '--repetitions', 'abc'], /^abserve: --repetitions: expected a number, got abc$/],
  [['ab', SMOKE, '--resamples=lots'], /^abserve: --resamples: expected a number, got lots$/],
  [['bench', '--num-prompts', 'abc'], /^abserve: --num-prompts: expected a number, got abc$/],
  [['micro', '--threads', 'abc'], /^abserve: --threads: expected a number, got abc$/],
  [['compare', 'a.json', 'b.json', '--alpha', 'x'], /^abserve: --alpha: expected a number, got x$/],
  // One range for --alpha everywhere, the scenario's (0, 0.5]: 0.5 passes this check (then a.json is missing).
  [['compare', 'a.json', 'b.json', '--alpha', '0.7'], /^abserve: --alpha: expected a number in \(0, 0\.5\], got 0\.7$/],
  [['compare', 'a.json', 'b.json', '--alpha', '0.5'], /^abserve: a\.json: no such file or folder$/],
  [['report', 'nowhere', '--alpha', '0.6'], /^abserve: --alpha: expected a number in \(0, 0\.5\], got 0\.6$/],
  // One form for range errors: --flag: expected ..., got VALUE.
  [['bench', '--num-prompts', '-1'], /^abserve: --num-prompts: expected an integer in \[1, 1000000\], got -1$/],
  [['bench', '--max-concurrency', '0'], /^abserve: --max-concurrency: expected an integer in \[1, 1000000\], got 0$/],
  // Found by a fresh-user trial: a missing dataset file is named before the server is waited for
  // (nothing listens on port 9: the old code waited, then named the server), and the engine's
  // --profile / --port in the same one-line form as every other flag.
  [['bench', '--dataset-name', 'jsonl', '--dataset-path', 'out/missing.jsonl', '--base-url', 'http://127.0.0.1:9', '--ready-check-timeout-sec', '0'],
    /^abserve: --dataset-path out\/missing\.jsonl: no such file$/],
  [['engine', '--profile', 'huge'], /^abserve: --profile: expected one of tiny, .*, got "huge"$/],
  [['engine', '--port', '99999'], /^abserve: --port: expected an integer 0-65535 \(0: any free port\), got 99999$/],
];

describe('user errors', () => {
  it.each(CASES)('abserve %j', async (args, message) => {
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, timeout: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('output into a reader that stops early', () => {
  it('ends quietly when stdout is closed (abserve ... | head -1), no EPIPE stack trace', async () => {
    const published = fileURLToPath(new URL('../engine/published-r1-l20/', import.meta.url));
    const r = await execa('sh', ['-c', `"${process.execPath}" "${BIN}" compare "${published}4k-1k.with-op.txt" "${published}4k-1k.without-op.txt" | head -1`], {
      reject: false,
      timeout: 30_000,
    });
    expect(r.stdout).toMatch(/^A = 4k-1k\.with-op: /);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
