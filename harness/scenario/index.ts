// scenario/: YAML scenario files and `abserve bench` flags -> one validated Scenario; mapping
// helpers into the workload, client and target vocabularies.
export type { Scenario, ScenarioArm, ScenarioWorkload, ScenarioAccuracy, EngineOverrides } from './types.js';
export { ScenarioError, type ScenarioProblem } from './errors.js';
export { loadScenario, parseScenario, scenarioFromData } from './load.js';
export type { ScenarioOverride } from './overrides.js';
export { toWorkloadOptions, requestBody, armServerConfigs, runArms, aaArmName, resolvedScenarioJson } from './mapping.js';
export { scenarioFromBench, benchFlagFor, BENCH_SOURCE, type BenchScenarioInput } from './fromBench.js';
export { engineFlags } from './resolve.js';
