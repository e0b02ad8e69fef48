// The names of the two arms when two saved runs are compared (`abserve compare`, `abserve eval
// compare`): each run's label, else the name of the file or folder it was read from.
import path from 'node:path';

/** A run as its comparison names it: the label it records (if any) and where it was read from
 *  (a result file, or a run folder). */
export interface NamedRun {
  label?: string | null;
  file: string;
}

/** A run's name when it has no label: its file name less the extension (and import's `.imported`/`.abserve`). */
function fileStem(file: string): string {
  // An ab run folder's result.json is named by its folder (runs/01-without-op-rep1/).
  if (path.basename(file) === 'result.json') return path.basename(path.dirname(path.resolve(file)));
  return path.basename(path.resolve(file)).replace(/\.(json|txt|log)$/i, '').replace(/\.(imported|abserve)$/, '');
}

/**
 * The arm names of a comparison: each run's label, else its file name without extension; equal
 * names get " (A)" and " (B)" appended so the two stay distinct.
 */
export function armNames(a: NamedRun, b: NamedRun): [string, string] {
  const name = (s: NamedRun) => (s.label && s.label.trim() !== '' ? s.label : fileStem(s.file));
  const [na, nb] = [name(a), name(b)];
  return na === nb ? [`${na} (A)`, `${nb} (B)`] : [na, nb];
}
