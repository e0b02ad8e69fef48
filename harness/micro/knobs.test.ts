// A microbench result records the kernels' run-time knobs that were set (MAS_OPT_VARIANT, MAS_EL_*,
// MAS_CPU_NT), so that a number says which kernel variant produced it; and the list native/
// records matches the knobs native/ actually reads.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runMicro } from './bench.js';
import { formatMicro } from './format.js';
import { checkKnobs, describeKnobs } from './knobs.js';
import type { MicroResult } from './types.js';

const KNOBS = ['MAS_EL_MAX_MB', 'MAS_EL_LOAD_MB'] as const;
// Each set to its default value, so that a kernel reading it while this test runs is unchanged.
const DEFAULTS = { MAS_EL_MAX_MB: '260', MAS_EL_LOAD_MB: '30' };

function tinyCpuRun(): Promise<MicroResult> {
  return runMicro({ device: 'cpu', shapes: [{ T: 3, H: 2, D: 8 }], dtypes: ['float32'], coldIters: 1, steadyReps: 1, naive: false, tsLoop: false, cpuMinSeconds: 0.001 });
}

describe('kernel knobs in a microbench result', () => {
  it('records the knobs set in the environment, in the JSON and the report', async () => {
    const saved = KNOBS.map((k) => process.env[k]);
    try {
      for (const k of KNOBS) process.env[k] = DEFAULTS[k];
      const r = await tinyCpuRun();
      expect((r.deviceInfo as Record<string, unknown>).kernelKnobs).toEqual(DEFAULTS);
      expect(formatMicro(r)).toContain('Kernel knobs:       MAS_EL_MAX_MB=260 (GPU only) MAS_EL_LOAD_MB=30 (GPU only)\n');
      for (const k of KNOBS) delete process.env[k];
      const bare = await tinyCpuRun();
      expect((bare.deviceInfo as Record<string, unknown>).kernelKnobs).toEqual({});
      expect(formatMicro(bare)).not.toContain('Kernel knobs:');
    } finally {
      KNOBS.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
    }
  });

  it('says nothing for a result that predates the field (mas_bench JSON from an older build)', () => {
    const old = { tool: 'abserve-native-bench', device: 'cpu', deviceInfo: { cpuThreads: 2 }, cases: [], source: 'json' } as MicroResult;
    expect(describeKnobs(old.deviceInfo, old.device)).toBe('');
  });

  it('lists every MAS_* variable native/ reads', () => {
    const read = new Set<string>();
    for (const f of readdirSync('native')) {
      if (!/\.(cc|cu|cuh|h|inc)$/.test(f)) continue;
      for (const m of readFileSync(`native/${f}`, 'utf8').matchAll(/(?:getenv|env_num)\("(MAS_[A-Z0-9_]+)"/g)) read.add(m[1]);
    }
    const src = readFileSync('native/mas_bench.cc', 'utf8');
    const list = /kKernelKnobs\[\] = \{([^}]*)\}/.exec(src);
    expect(list, 'kKernelKnobs in native/mas_bench.cc').not.toBeNull();
    const listed = new Set([...list![1].matchAll(/"(MAS_[A-Z0-9_]+)"/g)].map((m) => m[1]));
    expect([...read].sort()).toEqual([...listed].sort());
    expect(read.size).toBeGreaterThan(5);
  });
});

describe('knob values', () => {
  it('refuses a value the kernels would misread, naming the knob and the value', () => {
    const err = (env: NodeJS.ProcessEnv) => {
      try {
        checkKnobs(env);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err({ MAS_OPT_VARIANT: 'abc' })).toBe("MAS_OPT_VARIANT: expected an integer 0-127, got 'abc'");
    expect(err({ MAS_OPT_VARIANT: '200' })).toBe("MAS_OPT_VARIANT: expected an integer 0-127, got '200'");
    expect(err({ MAS_OPT_VARIANT: '6.5' })).toBe("MAS_OPT_VARIANT: expected an integer 0-127, got '6.5'");
    expect(err({ MAS_EL_BUDGET_MB: '-1' })).toBe("MAS_EL_BUDGET_MB: expected a number of MB >= 0, got '-1'");
    expect(err({ MAS_EL_TAIL: 'yes' })).toBe("MAS_EL_TAIL: expected 0 or 1, got 'yes'");
    expect(err({ MAS_OPT_VARIANT: '86', MAS_EL_BUDGET_MB: '12.5', MAS_EL_LOAD_MB: '0', MAS_EL_TAIL: '0', MAS_CPU_NT: '' })).toBe('');
  });

  it('marks the GPU-only knobs on a CPU result, not on a GPU one', () => {
    const info = { kernelKnobs: { MAS_OPT_VARIANT: '6', MAS_CPU_NT: '0' } };
    expect(describeKnobs(info, 'cpu')).toBe('MAS_OPT_VARIANT=6 (GPU only) MAS_CPU_NT=0');
    expect(describeKnobs(info, 'gpu')).toBe('MAS_OPT_VARIANT=6 MAS_CPU_NT=0');
  });
});
