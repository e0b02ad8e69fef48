// The kernels' run-time knobs (environment variables read by native/mas_kernels.inc and
// native/mas_cpu.cc; NOTES.md says what each variant measured). A result records the ones that were
// set (native/mas_bench.cc, deviceInfo.kernelKnobs); here they are checked before a run, since the
// native side reads them with atoi/atof and would run variant 0 for `MAS_OPT_VARIANT=abc` while the
// result says "abc", and described in the report.
import { UserError } from '../common/errors.js';

interface Knob {
  /** What the value must be, as said in the error. */
  expect: string;
  ok: (v: number) => boolean;
  /** Only the GPU kernels read it. */
  gpuOnly: boolean;
}

/** Every knob, in native/mas_bench.cc's order (knobs.test.ts keeps the two lists equal). */
export const KERNEL_KNOBS: Readonly<Record<string, Knob>> = {
  MAS_OPT_VARIANT: { expect: 'an integer 0-127', ok: (v) => Number.isInteger(v) && v >= 0 && v <= 127, gpuOnly: true },
  MAS_EL_BUDGET_MB: { expect: 'a number of MB >= 0', ok: (v) => v >= 0, gpuOnly: true },
  MAS_EL_TAIL: { expect: '0 or 1', ok: (v) => v === 0 || v === 1, gpuOnly: true },
  MAS_EL_MAX_MB: { expect: 'a number of MB >= 0', ok: (v) => v >= 0, gpuOnly: true },
  MAS_EL_LOAD_MB: { expect: 'a number of MB >= 0', ok: (v) => v >= 0, gpuOnly: true },
  MAS_EL_LOAD_MIN_MB: { expect: 'a number of MB >= 0', ok: (v) => v >= 0, gpuOnly: true },
  MAS_CPU_NT: { expect: '0 or 1', ok: (v) => v === 0 || v === 1, gpuOnly: false },
};

/**
 * Throws a UserError naming the first knob in `env` whose value the kernels would misread
 * (`MAS_OPT_VARIANT: expected an integer 0-127, got 'abc'`). Unset and empty values are the
 * defaults and pass.
 */
export function checkKnobs(env: NodeJS.ProcessEnv): void {
  for (const [name, k] of Object.entries(KERNEL_KNOBS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const v = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(v) || !k.ok(v)) throw new UserError(`${name}: expected ${k.expect}, got '${raw}'`);
  }
}

/**
 * The knobs recorded in a result (`deviceInfo.kernelKnobs`) as `NAME=value` joined by spaces, with
 * `(GPU only)` after those that a CPU run does not read; '' when none was set (every kernel ran its
 * default) or when the result predates the field.
 */
export function describeKnobs(deviceInfo: Record<string, unknown>, device: 'cpu' | 'gpu'): string {
  const k = deviceInfo.kernelKnobs;
  if (!k || typeof k !== 'object') return '';
  return Object.entries(k as Record<string, unknown>)
    .map(([n, v]) => `${n}=${String(v)}${device === 'cpu' && KERNEL_KNOBS[n]?.gpuOnly ? ' (GPU only)' : ''}`)
    .join(' ');
}
