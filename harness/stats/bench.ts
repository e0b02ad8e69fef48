// Why this file exists: `npm run bench:stats` shows what a full comparison costs: 4 latency metrics
// x 4 statistics, 2 arms, 4 repetitions of 800 requests each (ITL: 8 gaps per request), 2000
// resamples, and prints resamples per second and the wall time. Run: npx tsx harness/stats/bench.ts
import { compareArms } from './arms.js';
import { Rng } from './draw.js';
import { syntheticArm } from './synthetic.js';
import type { Statistic } from './types.js';

const statistics: Statistic[] = ['mean', 'median', 'p90', 'p99'];
const rng = new Rng(7, 'bench');
const shape = { repetitions: 4, requests: 800 };
const metrics = (['ttft', 'tpot', 'itl', 'e2el'] as const).map((metric) => {
  const valuesPerUnit = metric === 'itl' ? 8 : 1;
  return {
    metric,
    unit: 'ms' as const,
    higherIsBetter: false,
    statistics,
    a: syntheticArm(rng, { arm: 'A', ...shape, valuesPerUnit }),
    b: syntheticArm(rng, { arm: 'B', ...shape, valuesPerUnit, shift: 0.02 }),
  };
});
const values = metrics.reduce((s, m) => s + m.a.repetitions.reduce((t, r) => t + r.units.reduce((x, u) => x + u.length, 0), 0), 0);
const resamples = 2000;
compareArms({ a: 'A', b: 'B', metrics }, { resamples: 50 }); // warm up the JIT
const t0 = performance.now();
const c = compareArms({ a: 'A', b: 'B', metrics }, { resamples });
const ms = performance.now() - t0;
const armResamples = resamples * 2 * metrics.length;
console.log(`stats bench: ${metrics.length} metrics x ${statistics.length} statistics, 2 arms x ${shape.repetitions} repetitions x ${shape.requests} requests (${values} values per arm over all metrics)`);
console.log(`  ${resamples} resamples: ${ms.toFixed(0)} ms total; ${((armResamples / ms) * 1000).toFixed(0)} arm-resamples/s (all ${statistics.length} statistics of a metric per resample)`);
console.log(`  ${c.metrics.length} rows; verdicts: ${c.metrics.map((m) => `${m.metric}/${m.statistic}=${m.verdict}`).join(' ')}`);
