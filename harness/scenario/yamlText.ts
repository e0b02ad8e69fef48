// YAML text -> plain data, with the text's own problems as file:line:col lines: every duplicate
// key by name, and of a syntax error only the first (the yaml library reports what follows an
// unclosed `[` or `{` as several more errors that all stem from it).
import { isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { ScenarioError, type ScenarioProblem } from './errors.js';

/** The key a DUPLICATE_KEY error points at (its start offset), as written; undefined if not found. */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return undefined;
      for (const pair of map.items) {
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
          found = String(pair.key.value);
          return visit.BREAK;
        }
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The problems of a parsed document's errors (yaml 2's YAMLError: `code`, `pos`, `linePos`), in
 * text order: one `duplicate key "K"` per repeated key, and up to the first other (syntax) error,
 * which ends the list. `position` is `line:col`, 1-based. Empty when the document has no error.
 */
export function yamlProblems(doc: Document): ScenarioProblem[] {
  const errors = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const out: ScenarioProblem[] = [];
  for (const e of errors) {
    const lp = e.linePos?.[0];
    const position = lp ? { position: `${lp.line}:${lp.col}` } : {};
    if (e.code === 'DUPLICATE_KEY') {
      const key = keyAt(doc, e.pos[0]);
      out.push({ path: '', message: key === undefined ? 'duplicate key' : `duplicate key ${JSON.stringify(key)}`, ...position });
      continue;
    }
    // yaml's message ends with " at line L, column C:" and a code excerpt; keep the first clause.
    out.push({ path: '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''), ...position });
    break;
  }
  return out;
}

/**
 * YAML text to plain data (merge keys `<<: *anchor` allowed, at most 1000 aliases). Throws
 * ScenarioError labelled `file`: the text's problems (yamlProblems), an alias without its anchor,
 * or an empty file.
 */
export function parseYamlData(text: string, file: string): unknown {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new ScenarioError(file, yamlProblems(doc));
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // yaml throws here (not in doc.errors) for an alias without its anchor or too many aliases.
    throw new ScenarioError(file, [{ path: '', message: (e as Error).message.split('\n')[0]! }]);
  }
  if (data === null || data === undefined) throw new ScenarioError(file, [{ path: '', message: 'empty file: expected a mapping of scenario fields' }]);
  return data;
}
