// The order in which arms and repetitions run. Interleaving (A B B A A B ...) spreads slow drift
// of the machine (thermal, other tenants, cache state) evenly over both arms, so drift lands in the
// run-to-run variance the hierarchical bootstrap already covers instead of biasing B - A.
// Pure: a list of (arm, repetition) in run order.

/** One measured run: which arm, which repetition of that arm (1-based), its overall position. */
export interface PlannedRun {
  /** 0-based position in the run order. */
  order: number;
  arm: string;
  /** 1-based repetition number within the arm. */
  rep: number;
}

/**
 * Run order for `arms` x `repetitions`.
 * - 'interleaved': blocks of one run per arm; even blocks in declaration order, odd blocks
 *   reversed (ABBA for two arms: A B | B A | A B ...), so each arm is first as often as last.
 * - 'sequential': every repetition of the first arm, then of the second, ...
 * Throws RangeError for no arms or repetitions < 1.
 */
export function planRuns(arms: readonly string[], repetitions: number, order: 'interleaved' | 'sequential'): PlannedRun[] {
  if (arms.length === 0) throw new RangeError('planRuns: no arms');
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError(`planRuns: repetitions must be >= 1, got ${repetitions}`);
  const out: PlannedRun[] = [];
  if (order === 'sequential') {
    for (const arm of arms) for (let rep = 1; rep <= repetitions; rep++) out.push({ order: out.length, arm, rep });
    return out;
  }
  for (let block = 0; block < repetitions; block++) {
    const inBlock = block % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of inBlock) out.push({ order: out.length, arm, rep: block + 1 });
  }
  return out;
}

/** Whether the server must be (re)started before `run`: always with `freshServer`, else when
 *  no server runs or it serves another arm (one server at a time: compose arms share a port). */
export function needsStart(run: PlannedRun, runningArm: string | undefined, freshServer: boolean): boolean {
  return freshServer || runningArm === undefined || runningArm !== run.arm;
}
