import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../scenario/index.js';
import { parseUntilCi, planLine, scenarioOverrides } from './ab.js';

describe('abserve ab flags', () => {
  it('--until-ci names the flag and the value when wrong', () => {
    const base = { 'until-ci-metric': 'ttft:mean', 'max-repetitions': 20 };
    expect(parseUntilCi(base)).toBeUndefined();
    expect(parseUntilCi({ ...base, 'until-ci': 2 })).toEqual({ pct: 2, metric: 'ttft', statistic: 'mean', maxRepetitions: 20 });
    expect(() => parseUntilCi({ ...base, 'until-ci': 0 })).toThrow('--until-ci: expected a percentage in (0, 100], got 0');
    expect(() => parseUntilCi({ ...base, 'until-ci': 2, 'until-ci-metric': 'ttft:p50' })).toThrow('--until-ci-metric: expected METRIC:STAT such as ttft:mean, got "ttft:p50"');
    expect(() => parseUntilCi({ ...base, 'until-ci': 2, 'max-repetitions': 1 })).toThrow('--max-repetitions: expected an integer from 2 to 1000, got 1');
  });

  it('--aa and --repetitions override the scenario', () => {
    const text = 'name: x\ntarget: { engine: { profile: tiny } }\narms: [{ name: a }, { name: b }]\nrepetitions: 3\n';
    expect(parseScenario(text, 'x.yaml').repetitions).toBe(3);
    const o = parseScenario(text, 'x.yaml', scenarioOverrides({ aa: true, repetitions: 5 }));
    expect(o.aa).toBe(true);
    expect(o.repetitions).toBe(5);
    expect(scenarioOverrides({ aa: false })).toEqual([]);
  });

  it('--repetitions is checked with the file: its problem and the file\'s in one error, in the scenario\'s words', () => {
    const text = 'name: x\ntarget: { engine: { profile: tiny } }\narms: [{ name: a }, { name: a }]\nworkload: { num_prompts: -1 }\n';
    let lines: string[] = [];
    try {
      parseScenario(text, 'x.yaml', scenarioOverrides({ repetitions: 0 }));
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      lines = (e as Error).message.split('\n');
    }
    expect(lines.sort()).toEqual([
      'x.yaml: arms[1].name: duplicate arm name (also arms[0].name), got "a"',
      'x.yaml: repetitions: expected a positive integer <= 1000, got 0 (from --repetitions)',
      'x.yaml: workload.num_prompts: expected a positive integer <= 1000000, got -1',
    ]);
  });
});

describe('the plan line', () => {
  const plan = (n: number) => Array.from({ length: n }, (_, i) => ({ arm: i % 4 === 0 || i % 4 === 3 ? 'a' : 'b', rep: Math.floor(i / 2) + 1 }));
  it('lists every run of a short plan', () => {
    expect(planLine(plan(4), 'results/x')).toBe('4 runs: a#1 b#1 b#2 a#2  ->  results/x');
  });
  it('shortens a long plan to its first 8 and last 2 runs (80 runs were one 1,000-character line)', () => {
    const line = planLine(plan(80), 'results/x');
    expect(line).toBe('80 runs: a#1 b#1 b#2 a#2 a#3 b#3 b#4 a#4 ... (70 more) ... b#40 a#40  ->  results/x');
    expect(line.length).toBeLessThan(120);
  });
});
