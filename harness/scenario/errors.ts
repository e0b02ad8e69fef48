// ScenarioError: every problem of a scenario in one message, one line each, in the file's own
// words: "<file>: <field path>: <what was expected>, got <value>". The CLI prints it as is.
import { UserError } from '../common/errors.js';

/** One problem: where (a field path such as `arms[1].name`, or `line:col` for syntax) and what. */
export interface ScenarioProblem {
  /** Field path in the YAML's snake_case words (`workload.num_prompts`), or '' for the whole file. */
  path: string;
  /** What is wrong, with the offending value (`expected a positive integer, got -3`). */
  message: string;
  /** For syntax errors: `line:col` (1-based), printed as `file:line:col: message`. */
  position?: string;
  /** Where a value given outside the file came from (`--repetitions`), printed after the message. */
  from?: string;
}

/**
 * A scenario file (or the CLI flags standing in for one) that does not validate. `message` is one
 * line per problem, each prefixed with `source` ("scenarios/x.yaml: workload.num_prompts: ..."),
 * a value from a flag followed by its flag ("... got 0 (from --repetitions)"). The CLI prints
 * each line as a line of its own (`abserve: ` before every one), as compilers list errors.
 */
export class ScenarioError extends UserError {
  override name = 'ScenarioError';
  constructor(
    /** The file as the user named it, or a label such as `abserve bench`. */
    readonly source: string,
    readonly problems: readonly ScenarioProblem[],
  ) {
    super(problems.map((p) => `${source}${p.position ? `:${p.position}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}${p.from ? ` (from ${p.from})` : ''}`).join('\n'));
  }
}

/** `['arms', 1, 'name']` -> `arms[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** A value as the user wrote it, short: -3, "abc", [1,2], {"a":1}, true. */
export function formatValue(v: unknown): string {
  if (v === Infinity) return 'inf';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
