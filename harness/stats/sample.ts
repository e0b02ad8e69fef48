// Why this file exists: the bootstrap touches every value thousands of times, so each arm's nested
// arrays (repetitions -> units -> values) are checked once and flattened into typed arrays with
// offsets. Validation happens here, at stats/'s edge, with one-line errors naming the arm and field.
import { StatsInputError } from './errors.js';
import type { ArmSample } from './types.js';

/**
 * One arm, flattened. Unit u's values are values[unitStart[u] .. unitStart[u+1]); repetition r's
 * units are repStart[r] .. repStart[r+1]. unitSum/unitCount let the mean skip copying values.
 */
export interface FlatArm {
  arm: string;
  values: Float64Array;
  unitStart: Int32Array;
  repStart: Int32Array;
  unitSum: Float64Array;
  /** Number of values in each unit (ITL units carry many gaps; TTFT units one value). */
  unitCount: Int32Array;
  /** Per unit: its key for pairing with the other arm (NaN when the repetition has no keys). */
  unitKey: Float64Array;
  reps: number;
  /** Largest number of values in one repetition (sizes the bootstrap scratch buffer). */
  maxRepValues: number;
  /** True when every repetition holds exactly one unit with one value: a run-level metric. */
  runLevel: boolean;
}

/**
 * Checks and flattens an ArmSample.
 * Throws StatsInputError (one line, naming arm and field) when the arm has no repetitions, a
 * repetition has no units, a unit has no values, a value is not finite, or keys' length differs.
 */
export function flattenArm(sample: ArmSample, metric: string): FlatArm {
  const where = `${metric}: arm "${sample.arm}"`;
  const reps = sample.repetitions;
  if (!Array.isArray(reps) || reps.length === 0) throw new StatsInputError(`${where}: repetitions is empty (no runs to compare)`);
  let nUnits = 0;
  let nValues = 0;
  let maxRepValues = 0;
  let runLevel = true;
  reps.forEach((rep, r) => {
    if (rep.units.length === 0) throw new StatsInputError(`${where}: repetitions[${r}].units is empty (no successful requests)`);
    if (rep.keys !== undefined && rep.keys.length !== rep.units.length) {
      throw new StatsInputError(`${where}: repetitions[${r}].keys has ${rep.keys.length} entries for ${rep.units.length} units`);
    }
    if (rep.units.length !== 1) runLevel = false;
    let repValues = 0;
    rep.units.forEach((u, i) => {
      if (u.length === 0) throw new StatsInputError(`${where}: repetitions[${r}].units[${i}] has no values`);
      if (u.length !== 1) runLevel = false;
      for (let j = 0; j < u.length; j++) {
        if (!Number.isFinite(u[j])) throw new StatsInputError(`${where}: repetitions[${r}].units[${i}][${j}] is ${u[j]}, not a finite number`);
      }
      repValues += u.length;
    });
    nUnits += rep.units.length;
    nValues += repValues;
    if (repValues > maxRepValues) maxRepValues = repValues;
  });
  const values = new Float64Array(nValues);
  const unitStart = new Int32Array(nUnits + 1);
  const repStart = new Int32Array(reps.length + 1);
  const unitSum = new Float64Array(nUnits);
  const unitCount = new Int32Array(nUnits);
  const unitKey = new Float64Array(nUnits);
  let u = 0;
  let v = 0;
  reps.forEach((rep, r) => {
    repStart[r] = u;
    rep.units.forEach((unit, i) => {
      unitStart[u] = v;
      let s = 0;
      for (const x of unit) {
        values[v++] = x;
        s += x;
      }
      unitSum[u] = s;
      unitCount[u] = unit.length;
      unitKey[u] = rep.keys ? rep.keys[i] : NaN;
      u++;
    });
  });
  unitStart[nUnits] = v;
  repStart[reps.length] = u;
  return { arm: sample.arm, values, unitStart, repStart, unitSum, unitCount, unitKey, reps: reps.length, maxRepValues, runLevel };
}

/** Values of repetition r (a subarray view, no copy). */
export function repValues(flat: FlatArm, r: number): Float64Array {
  return flat.values.subarray(flat.unitStart[flat.repStart[r]], flat.unitStart[flat.repStart[r + 1]]);
}
