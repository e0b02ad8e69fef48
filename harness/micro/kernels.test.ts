// --kernel on any machine: the user errors (one line naming the flag and the file) and the edge
// table's formatting. The GPU side (compile, load, check, time) is in kernels.gpu.test.ts.
import { describe, expect, it } from 'vitest';
import { isUserError } from '../common/errors.js';
import { runMicro } from './bench.js';
import { formatEdgeTable } from './edgeTable.js';

const EXAMPLE = 'native/examples/vllm_baseline_kernel.cu';

async function userError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(isUserError(e), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('--kernel user errors', () => {
  it('names a missing file', async () => {
    expect(await userError(() => runMicro({ kernels: ['no/such/kernel.cu'] }))).toBe('--kernel no/such/kernel.cu: no such file');
  });
  it('refuses what is neither .cu nor .so', async () => {
    expect(await userError(() => runMicro({ kernels: ['package.json'] }))).toMatch(/^--kernel package\.json: expected a CUDA source \(\.cu\) or a shared library \(\.so\), got '\.json'$/);
  });
  it('says it needs a GPU on the CPU path, in one line', async () => {
    const m = await userError(() => runMicro({ kernels: [EXAMPLE], device: 'cpu' }));
    expect(m).toMatch(/^--kernel native\/examples\/vllm_baseline_kernel\.cu: needs a GPU \(.+\)$/);
    expect(m).not.toContain('\n');
  });
});

describe('edge table', () => {
  it('puts each wrong combination at its prefix row and suffix column', () => {
    const cells = Array.from({ length: 25 }, () => 1);
    cells[2 * 5 + 3] = 0; // prefix -inf x suffix +inf
    const values = ['1.5', '-0.25', '-inf', '+inf', 'nan'];
    const L = formatEdgeTable('k', { pass: false, combinations: 25, error: null, values, cells });
    expect(L[0]).toContain('24/25 ok');
    expect(L[1].trim().split(/\s+/)).toEqual(['prefix\\suffix', ...values]);
    const rows = L.slice(2).map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => r[0])).toEqual(values);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) expect(rows[i][j + 1], `${i},${j}`).toBe(i === 2 && j === 3 ? 'WRONG' : 'ok');
  });
  it('prints nothing for results without a table', () => {
    expect(formatEdgeTable('k', { pass: true, combinations: 25, error: null })).toEqual([]);
  });
});
