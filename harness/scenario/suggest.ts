// "did you mean": an unknown field's nearest known name at the same place in the schema, so a
// typo (`num_promts`) or a CLI spelling (`num-prompts`) points at the field the user meant.
// The schema is walked through zod's public definition objects (`_zod.def`); the distance is
// Levenshtein's (fastest-levenshtein), accepted when it is small against the name's length.
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  getter?: () => z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` may be checked against (wrappers, unions, pipes unwrapped). */
function objectsAt(s: z.ZodType, path: readonly PropertyKey[], depth = 0): Def[] {
  if (depth > 64) return [];
  const d = defOf(s);
  const inner = d.innerType ?? (d.type === 'pipe' ? d.in : d.type === 'lazy' ? d.getter?.() : undefined);
  if (inner) return objectsAt(inner, path, depth + 1);
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
  if (path.length === 0) return d.type === 'object' ? [d] : [];
  const [head, ...rest] = path;
  if (d.type === 'array' && typeof head === 'number' && d.element) return objectsAt(d.element, rest, depth + 1);
  if (d.type === 'object' && typeof head === 'string' && d.shape?.[head]) return objectsAt(d.shape[head], rest, depth + 1);
  return [];
}

/**
 * The field names an object at `path` (zod issue path: strings and array indexes) accepts in
 * `schema`; empty when the path does not lead to an object schema.
 */
export function knownFields(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((d) => Object.keys(d.shape ?? {})))];
}

/**
 * The known field `key` most likely stands for, or undefined: the same name in snake_case
 * (`num-prompts`, `Num_Prompts`), else the nearest name within a Levenshtein distance of
 * max(2, length / 3) (a transposition costs 2). For names of 4 letters or fewer a distance of 2 is
 * accepted only for the same letters in another order (`nmae` -> name), not for two changed
 * letters (`foo` had been offered `slo`).
 */
export function suggestField(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const snake = key.replace(/-/g, '_').toLowerCase();
  if (snake !== key && known.includes(snake)) return snake;
  const best = closest(snake, known as string[]);
  const d = distance(snake, best);
  const sameLetters = [...snake].sort().join('') === [...best].sort().join('');
  if (d <= 1 || (d === 2 && best.length <= 4 && sameLetters)) return best;
  return best.length > 4 && d <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
