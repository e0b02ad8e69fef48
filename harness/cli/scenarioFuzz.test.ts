// Seeded, bounded fuzz of scenario files (issue 10): the shipped scenarios, mutated line by line
// and byte by byte, go through parseScenario (YAML + the zod schema). Each must give a scenario or
// a UserError (ScenarioError) naming the file: never another exception, never a hang.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { parseScenario } from '../scenario/index.js';

const DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(path.join(DIR, f), 'utf8'));
const JUNK = [
  '', '-1', '0', '1e12', '.inf', '.nan', 'null', '~', '[]', '{}', '"x"', 'true', '__proto__: 1', 'constructor: {}',
  '&a [*a]', '*nope', '!!binary AAAA', '? complex', '- - -', ': :', '\t', 'x'.repeat(500), '${HOME}', '../../etc',
];

function mutate(text: string, r: Rng): string {
  const lines = text.split('\n');
  const k = r.int(1, 5);
  for (let i = 0; i < k; i++) {
    const at = r.int(0, lines.length);
    const line = lines[at] ?? '';
    switch (r.int(0, 6)) {
      case 0: lines.splice(at, 1); break; // drop a line
      case 1: lines.splice(at, 0, lines[r.int(0, lines.length)] ?? ''); break; // duplicate a line (repeated keys)
      case 2: { // replace a value
        const c = line.indexOf(':');
        if (c > 0) lines[at] = `${line.slice(0, c + 1)} ${JUNK[r.int(0, JUNK.length)]}`;
        break;
      }
      case 3: lines[at] = ' '.repeat(r.int(0, 6)) + line.trimStart(); break; // break indentation
      case 4: lines.splice(at, 0, JUNK[r.int(0, JUNK.length)]!); break;
      default: { // flip a byte
        const j = r.int(0, Math.max(1, line.length));
        lines[at] = line.slice(0, j) + String.fromCharCode(r.int(0, 128)) + line.slice(j + 1);
      }
    }
  }
  return lines.join('\n');
}

describe('scenario file fuzz (issue 10)', () => {
  it('every mutated scenario parses or fails with a UserError (seeded, time-bounded)', () => {
    expect(FILES.length).toBeGreaterThan(0);
    const r = new Rng(10, 'scenario-fuzz');
    const deadline = Date.now() + 3_000;
    let cases = 0;
    const unexpected: string[] = [];
    while (cases < 3_000 && Date.now() < deadline) {
      cases++;
      const text = mutate(FILES[r.int(0, FILES.length)]!, r);
      try {
        parseScenario(text, 'fuzz.yaml');
      } catch (e) {
        if (!isUserError(e)) unexpected.push(`${String(e)}\n--- scenario ---\n${text.slice(0, 400)}`);
      }
    }
    expect(unexpected.slice(0, 3)).toEqual([]);
    expect(cases).toBeGreaterThan(100);
  });
});
