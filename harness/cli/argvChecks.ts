// Command-line hygiene before any command runs (main.ts middleware): repeated flags, unknown
// flags and commands with the nearest known name, number flags given text. Each is one line naming
// what was typed; the value parsers are in parseFlags.ts.
import { distance } from 'fastest-levenshtein';
import { UserError } from '../common/errors.js';
import { suggestField } from '../scenario/suggest.js';

/**
 * yargs turns a repeated flag into an array, which single-value flags then choke on
 * (`--base-url a --base-url b` was a TypeError). Reject any flag given more than once unless it
 * takes a list (`arrayFlags`, names as on the command line).
 */
export function rejectRepeatedFlags(argv: Record<string, unknown>, arrayFlags: readonly string[]): void {
  for (const [k, v] of Object.entries(argv)) {
    if (k === '_' || k === '$0' || !Array.isArray(v) || arrayFlags.includes(k)) continue;
    if (/[A-Z]/.test(k) && arrayFlags.includes(k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) continue;
    const shown = v.map((x) => JSON.stringify(x)).join(', ');
    throw new UserError(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} given ${v.length} times (${shown}); give it once`);
  }
}

/**
 * yargs keeps the last value of a boolean flag given more than once (`--save-detailed
 * --no-save-detailed` ran without detail, without a word), so rejectRepeatedFlags never sees an
 * array. Counts the flag tokens of `args` (the command line, without node and the script) that set
 * each boolean option or one of its aliases, and throws `--disable-tqdm given 2 times; give it once`
 * for the first one given more than once (the tokens as typed in parentheses when they differ).
 * `booleanKeys`, `aliases`, `arrayKeys`: yargs' getOptions() boolean, alias and array of the command.
 */
export function rejectRepeatedBooleans(
  booleanKeys: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>>,
  arrayKeys: readonly string[],
  args: readonly string[],
): void {
  const tokens = flagTokens(args);
  const done = new Set<string>();
  for (const key of booleanKeys) {
    if (done.has(key) || arrayKeys.includes(key)) continue;
    const names = new Set([key, ...(aliases[key] ?? [])]);
    for (const [k, as] of Object.entries(aliases)) if (as.includes(key)) for (const n of [k, ...as]) names.add(n);
    for (const n of names) done.add(n);
    const given = tokens.filter((t) => [...names].some((n) => tokenSets(t, n)));
    if (given.length < 2) continue;
    const first = given[0]!;
    // The option as typed, without an inline value or a `no-` prefix (`--no-naive --naive`: --naive).
    const negated = /^no-./.test(first.name) && ![...names].some((n) => loose(n) === loose(first.name));
    const flag = first.dashes === '-' && first.name.length > 1 ? dashed(key) : `${first.dashes}${negated ? first.name.slice(3) : first.name}`;
    const typed = given.map((t) => {
      const next = args[t.index + 1];
      return t.inline === undefined && (next === 'true' || next === 'false') ? `${args[t.index]} ${next}` : args[t.index]!;
    });
    const shown = typed.every((x) => x === flag) ? '' : ` (${typed.join(', ')})`;
    throw new UserError(`${flag} given ${given.length} times${shown}; give it once`);
  }
}

/** A yargs key in kebab-case, as flags are declared and typed (`numPrompts` -> `num-prompts`). */
const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A flag name compared loosely: case, `-` and `_` ignored (`numPromts`, `num_promts`, `num-promts`). */
const loose = (k: string): string => k.toLowerCase().replace(/[-_]/g, '');

/** `-x` for a one-letter name, `--name` otherwise: how a yargs key is typed. */
const dashed = (k: string): string => (k.length === 1 ? `-${k}` : `--${k}`);

/** One flag token of a command line: its dashes, its name as typed, and an inline `=value`. */
interface FlagToken {
  index: number;
  dashes: string;
  name: string;
  inline: string | undefined;
}

/** The flag tokens of `args` before a `--` terminator (`-1`, `-.5`: negative numbers, not flags). */
function flagTokens(args: readonly string[]): FlagToken[] {
  const out: FlagToken[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    const m = /^(--?)([^-=][^=]*)(?:=([\s\S]*))?$/.exec(a);
    if (!m || /^-[\d.]/.test(a)) continue;
    out.push({ index: i, dashes: m[1]!, name: m[2]!, inline: m[3] });
  }
  return out;
}

/** Whether yargs reads `key` from flag token `t` (`--bogus-flag` gives bogus-flag and bogusFlag). */
function tokenSets(t: FlagToken, key: string): boolean {
  if (t.dashes === '-' && t.name.length > 1 && !t.name.includes('.')) return key.length === 1 && t.name.includes(key);
  const name = t.name.split('.')[0]!; // --a.b sets a: { b }
  return loose(name) === loose(key) || (/^no-./.test(name) && loose(name.slice(3)) === loose(key));
}

/**
 * The keys of `keys` (option names as on the command line, e.g. `cold-iters`) that the command
 * line `args` sets, including through `--no-<key>` and `--key=value`; for telling a flag that was
 * typed from one yargs filled with its default.
 */
export function givenFlags(keys: readonly string[], args: readonly string[]): string[] {
  const tokens = flagTokens(args);
  return keys.filter((k) => tokens.some((t) => tokenSets(t, k)));
}

/**
 * The option of `known` (a command's option keys, yargs' getOptions().key) that the unknown flag
 * `typed` most likely stands for, as it is typed (`--num-prompts`), or undefined. Names are
 * compared in one normal form (snake_case, through suggestField); a suggestion that would replace
 * every character of `typed` is none.
 */
export function suggestFlag(typed: string, known: readonly string[]): string | undefined {
  const best = nearestName(typed.replace(/^-+/, ''), known);
  return best === undefined ? undefined : dashed(best);
}

/** suggestFlag's match without the dashes: the name of `known` that `typed` most likely stands for. */
function nearestName(typed: string, known: readonly string[]): string | undefined {
  const snake = (k: string) => kebab(k).replace(/-/g, '_').toLowerCase();
  const byNorm = new Map<string, string>();
  for (const k of known) if (k !== '$0' && !byNorm.has(snake(k))) byNorm.set(snake(k), k);
  const t = snake(typed);
  const best = suggestField(t, [...byNorm.keys()]);
  if (best === undefined || distance(t, best) >= t.length) return undefined;
  return byNorm.get(best)!;
}

/**
 * The first word of a command line that names no command (`abserve benchh`), as typed, with the
 * nearest command when one is close (the same match as suggestFlag's) and the list of commands:
 * `Unknown command: benchh (did you mean bench?); commands: ab, bench, ...`.
 */
export function describeUnknownCommand(typed: string, commands: readonly string[]): string {
  const hint = nearestName(typed, commands);
  return `Unknown command: ${typed}${hint ? ` (did you mean ${hint}?)` : ''}; commands: ${commands.join(', ')}`;
}

/**
 * yargs' strict-mode complaint (`Unknown arguments: bogus-flag, bogusFlag, extra`) as the user
 * typed it: one entry per flag with its dashes (`--bogus-flag`, not also the camelCase copy yargs
 * adds), words that are not flags unchanged, and after a flag close to one of `known` (the
 * command's options) `(did you mean --num-prompts?)`. `args`: the command line, without node and
 * the script.
 */
export function describeUnknownArguments(unknown: readonly string[], args: readonly string[], known: readonly string[]): string {
  const tokens = flagTokens(args);
  const seen = new Set<string>();
  const entries: string[] = [];
  for (const key of unknown) {
    const t = tokens.find((x) => tokenSets(x, key));
    let entry: string;
    if (!t) entry = key;
    else if (t.dashes === '-' && t.name.length > 1 && !t.name.includes('.')) entry = `-${key}`;
    else entry = `${t.dashes}${t.name}`;
    if (seen.has(entry)) continue;
    seen.add(entry);
    const hint = t ? suggestFlag(entry, known) : undefined;
    entries.push(hint ? `${entry} (did you mean ${hint}?)` : entry);
  }
  return `${entries.length === 1 ? 'Unknown argument' : 'Unknown arguments'}: ${entries.join(', ')}`;
}

/**
 * yargs reads a `number` flag that is not a number (`--repetitions abc`) as NaN, and the value
 * typed is lost by the time a command checks it. Throws `--repetitions: expected a number, got abc`
 * for the first such flag, the value as typed on `args` (the command line without node and the
 * script). `numberKeys`: the command's `number` options (yargs' getOptions().number).
 */
export function rejectNonNumbers(argv: Record<string, unknown>, numberKeys: readonly string[], args: readonly string[]): void {
  const tokens = flagTokens(args);
  const flagAt = new Set(tokens.map((t) => t.index));
  for (const key of numberKeys) {
    // A number flag at the end of the line or right before another flag: yargs drops it silently
    // and the default runs (`--repetitions` alone ran a whole A/B with 3).
    const bare = tokens.find((t) => tokenSets(t, key) && !/^no-./.test(t.name) && t.inline === undefined &&
      (t.index + 1 >= args.length || args[t.index + 1] === '--' || flagAt.has(t.index + 1)));
    if (bare) throw new UserError(`${bare.dashes}${bare.name}: expected a number, got nothing`);
    // `--num-prompts=` or `--num-prompts ''`: yargs reads Number('') = 0, which then fails a range
    // check as "got 0" (or passes one that admits 0).
    const empty = tokens.find((t) => tokenSets(t, key) && !/^no-./.test(t.name) &&
      (t.inline ?? (flagAt.has(t.index + 1) ? undefined : args[t.index + 1]))?.trim() === '');
    if (empty) throw new UserError(`${empty.dashes}${empty.name}: expected a number, got an empty value`);
    const v = argv[key];
    if (!(Array.isArray(v) ? v : [v]).some((x) => typeof x === 'number' && Number.isNaN(x))) continue;
    const given = tokens.filter((t) => tokenSets(t, key));
    const typed = given
      .map((t) => t.inline ?? args[t.index + 1])
      .find((x) => x !== undefined && Number.isNaN(Number(x)));
    const flag = given.length > 0 && !(given[0]!.dashes === '-' && given[0]!.name.length > 1) ? `${given[0]!.dashes}${given[0]!.name}` : dashed(key);
    throw new UserError(`${flag}: expected a number, got ${typed ?? 'NaN'}`);
  }
}
