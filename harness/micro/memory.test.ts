// Shapes that cannot fit are refused before any allocation, on the host and on the GPU.
import { describe, expect, it } from 'vitest';
import { caseBytes, checkShapesFit } from './memory.js';

describe('checkShapesFit', () => {
  it('passes what fits and names the first shape that does not, with the dtype and the sizes', () => {
    expect(() => checkShapesFit([{ T: 512, H: 16, D: 128 }], ['float32'], 0, 0, 24e9)).not.toThrow();
    expect(() => checkShapesFit([{ T: 512, H: 16, D: 128 }, { T: 3e9, H: 1, D: 1 }], ['bfloat16', 'float32'], 0, 0, 24e9))
      .toThrow(/^--shapes 3000000000x1x1: needs at least \d+\.\d GB of host memory for bfloat16 \(this machine has 24\.0 GB\)$/);
  });
  it('checks the GPU memory on a GPU run, parts included', () => {
    const s = { T: 65536, H: 128, D: 128 }; // 1.07e9 elements
    expect(caseBytes(s, 'bfloat16', 8).gpu).toBeGreaterThan(caseBytes(s, 'bfloat16', 0).gpu * 2);
    expect(() => checkShapesFit([s], ['bfloat16'], 0, 141e9, 1e13)).not.toThrow();
    expect(() => checkShapesFit([s], ['bfloat16'], 64, 141e9, 1e13))
      .toThrow(/^--shapes 65536x128x128: needs at least \d+\.\d GB of GPU memory for bfloat16 \(the GPU has 141\.0 GB\)$/);
  });
});
