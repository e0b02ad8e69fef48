// Scenario files in: YAML text -> plain data (syntax errors as file:line:col) -> the zod schema
// (every problem at once) -> resolved Scenario. The only door a scenario file comes through.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { core, z } from 'zod';
import { ScenarioError, formatPath, formatValue, type ScenarioProblem } from './errors.js';
import { crossRules, scenarioSchema, type RawScenario } from './schema.js';
import { resolveScenario } from './resolve.js';
import { parseYamlData } from './yamlText.js';
import { applyOverrides, markOverridden, type ScenarioOverride } from './overrides.js';
import { knownFields, suggestField } from './suggest.js';
import type { Scenario } from './types.js';

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping (key: value lines)', array: 'a list', string: 'a string', number: 'a number',
  int: 'an integer', boolean: 'true or false',
};

/** zod's default type message ("Invalid input: expected object, received array") in the file's words
 * ("expected a mapping (key: value lines)"); any other message as it is. */
function plainType(i: core.$ZodIssue): string {
  if (i.code !== 'invalid_type' || !i.message.startsWith('Invalid input')) return i.message;
  const want = TYPE_WORDS[String(i.expected)];
  return want ? `expected ${want}` : i.message;
}

/**
 * zod issues -> problems in the file's words: one per unknown key ("unknown field", with "did you
 * mean X?" when `schema` is given and a known field is close), "missing required field", values shown.
 */
export function problemsFromIssues(issues: readonly core.$ZodIssue[], schema?: z.ZodType): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  for (const i of issues) {
    const at = formatPath(i.path);
    if (i.code === 'unrecognized_keys') {
      const known = schema ? knownFields(schema, i.path) : [];
      const obj = (i as { input?: unknown }).input;
      for (const k of i.keys) {
        const near = suggestField(k, known);
        const v = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[k] : undefined;
        const got = v === undefined ? '' : `, got ${formatValue(v)}`;
        out.push({ path: formatPath([...i.path, k]), message: `unknown field${got}${near ? `; did you mean ${near}?` : ''}` });
      }
      continue;
    }
    const input = (i as { input?: unknown }).input;
    if (i.code === 'invalid_key') {
      // A bad key of a mapping (env names): the key's own message, naming the key.
      out.push({ path: at, message: `${i.issues[0]?.message ?? 'invalid key'}, got ${formatValue(input)}` });
      continue;
    }
    if (input === undefined) {
      out.push({ path: at, message: i.code === 'custom' ? i.message : 'missing required field' });
      continue;
    }
    out.push({ path: at, message: `${plainType(i)}, got ${formatValue(input)}` });
  }
  return out;
}

/**
 * Validates plain data (already parsed from YAML or built from flags) against the scenario schema,
 * after setting the `overrides` (command-line shortcuts for fields, see overrides.ts). `file`
 * labels messages and names the scenario by default; relative paths resolve against `baseDir`.
 * Throws ScenarioError listing every problem, the file's and the overrides' together.
 */
export function scenarioFromData(data: unknown, file: string, baseDir: string, checkPaths = false, overrides: readonly ScenarioOverride[] = []): Scenario {
  const merged = applyOverrides(data, overrides);
  const r = validateScenarioData(merged);
  const missing = checkPaths ? missingPaths(merged, baseDir) : [];
  if (!r.ok || missing.length > 0) throw new ScenarioError(file, markOverridden([...(r.ok ? [] : r.problems), ...missing], overrides));
  return resolveScenario(r.raw, file, baseDir);
}

/**
 * The path fields of a scenario file that name nothing on disk (relative to `baseDir`, the file's
 * folder), as problems in the file's own words, so they are listed with the schema's problems
 * before a results folder is made. They had surfaced only when the run started, under the bench
 * flag's name (`--tokenizer: no such file or folder`), and left an empty results folder behind.
 */
function missingPaths(data: unknown, baseDir: string): ScenarioProblem[] {
  const out: ScenarioProblem[] = [];
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const check = (v: unknown, at: string) => {
    if (typeof v === 'string' && v !== '' && !existsSync(path.resolve(baseDir, v)))
      out.push({ path: at, message: `no such file or folder (relative paths start at the scenario's folder), got ${JSON.stringify(v)}` });
  };
  const d = obj(data);
  const w = obj(d?.workload);
  check(w?.tokenizer, 'workload.tokenizer');
  check(w?.dataset_path, 'workload.dataset_path');
  const files = obj(obj(d?.target)?.compose)?.files;
  if (Array.isArray(files)) files.forEach((f, i) => check(f, `target.compose.files[${i}]`));
  check(obj(d?.accuracy)?.data_dir, 'accuracy.data_dir');
  return out;
}

/** Schema + cross-field rules over plain data; every problem, field-level first, no duplicates. */
export function validateScenarioData(data: unknown): { ok: true; raw: RawScenario } | { ok: false; problems: ScenarioProblem[] } {
  const r = scenarioSchema.safeParse(data, { reportInput: true });
  if (r.success) return { ok: true, raw: r.data };
  const cross = crossRules.safeParse(data, { reportInput: true });
  const problems = problemsFromIssues([...r.error.issues, ...(cross.success ? [] : cross.error.issues)], scenarioSchema);
  const seen = new Set<string>();
  return { ok: false, problems: problems.filter((p) => !seen.has(`${p.path}\0${p.message}`) && seen.add(`${p.path}\0${p.message}`)) };
}

/**
 * Parses scenario YAML text. `file` names the source in messages ("scenarios/x.yaml: ...") and its
 * folder resolves relative paths (compose files, dataset_path, tokenizer, accuracy.data_dir).
 * YAML merge keys (`<<: *anchor`) are allowed. Throws ScenarioError: syntax errors as
 * `file:line:col: message`, then schema problems as `file: field.path: message, got value`.
 */
export function parseScenario(text: string, file: string, overrides: readonly ScenarioOverride[] = []): Scenario {
  return scenarioFromData(parseYamlData(text, file), file, path.dirname(path.resolve(file)), false, overrides);
}

/** Reads and parses a scenario file, checking its path fields on disk (missingPaths), with the
 *  `overrides` set (validated with the file, their problems listed with its problems). Throws
 *  ScenarioError (also for an unreadable file). */
export function loadScenario(file: string, overrides: readonly ScenarioOverride[] = []): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ScenarioError(file, [{ path: '', message: `cannot read the scenario file (${code})` }]);
  }
  // A file's path fields are checked on disk too, listed with the schema's problems.
  return scenarioFromData(parseYamlData(text, file), file, path.dirname(path.resolve(file)), true, overrides);
}
