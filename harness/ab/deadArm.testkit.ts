// A test scenario shared by the A/B fault and interrupt tests: two arms on the tiny engine, one of
// which answers every request with HTTP 500 (the "measured nothing" case).
import { parseScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/index.js';

/** `dead.yaml`: arms a and b, 4 requests a run, `faulty` failing all of them; `repetitions` per arm. */
export function deadArmScenario(faulty: 'a' | 'b', repetitions: number, extra = ''): Scenario {
  const arm = (name: string) => `  - name: ${name}\n${name === faulty ? '    engine: { faults: { http_500: 1 } }\n' : ''}`;
  return parseScenario(
    `
name: dead
target: { engine: { profile: tiny } }
workload: { random_token_ids: true, random_input_len: 32, random_output_len: 8, num_prompts: 4, ignore_eos: true }
arms:
${arm('a')}${arm('b')}repetitions: ${repetitions}
${extra}`,
    'dead.yaml',
  );
}
