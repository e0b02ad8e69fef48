// Command-line shortcuts for a scenario file's fields (`abserve ab --repetitions 3 x.yaml`): each
// becomes the field it stands for before the file is validated, so one run lists the file's
// problems and the flags' together, in the scenario's words, each flag's problem saying where its
// value came from ("x.yaml: repetitions: expected a positive integer <= 1000, got 0 (from --repetitions)").
import type { ScenarioProblem } from './errors.js';

/** One field set from outside the file. */
export interface ScenarioOverride {
  /** The field's path in the YAML's snake_case words, dots between levels: `repetitions`,
   *  `workload.num_prompts`. */
  field: string;
  /** The value as given (validated with the file, by the same schema). */
  value: unknown;
  /** Where the value came from, for messages: the flag as typed, `--repetitions`. */
  from: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of `data` (a scenario file's plain data) with every override set at its path; missing
 * levels are created, the file's value at that path is replaced. Data that is not a mapping is
 * returned as it is (the schema reports it). `data` itself is not changed.
 */
export function applyOverrides(data: unknown, overrides: readonly ScenarioOverride[]): unknown {
  if (!isObject(data) || overrides.length === 0) return data;
  const out: Record<string, unknown> = structuredClone(data);
  for (const o of overrides) {
    const keys = o.field.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) {
      if (!isObject(at[k])) at[k] = {};
      at = at[k] as Record<string, unknown>;
    }
    at[keys[keys.length - 1]!] = o.value;
  }
  return out;
}

/** `problems` with `from` set on those at (or under) an overridden field's path. */
export function markOverridden(problems: readonly ScenarioProblem[], overrides: readonly ScenarioOverride[]): ScenarioProblem[] {
  return problems.map((p) => {
    const o = overrides.find((x) => p.path === x.field || p.path.startsWith(`${x.field}.`) || p.path.startsWith(`${x.field}[`));
    return o ? { ...p, from: o.from } : p;
  });
}
