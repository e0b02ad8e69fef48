// Public surface of the embedded engine.
export { startEngine, type EngineHandle } from './server.js';
export { resolveOptions, envDisablesMergeOp, DEFAULT_MODEL, type EngineOptions, type ResolvedOptions } from './options.js';
export { PROFILES, DEFAULT_PROFILE, getProfile, profileNames, R1_L20_PP3_TP8_START, type CostProfile } from './profiles.js';
export { stepCost, fixedCost, mergeCost, type MergeImpl, type CostOptions, type StepCost } from './costModel.js';
export { L20_PUBLISHED, mergeCallMs, type MergePoint, type MergeTimingTable } from './mergeTable.js';
export { Pipeline, type MicroBatch } from './pipeline.js';
export { Scheduler, summarize, type StepPlan, type StepSummary, type SchedulerConfig } from './scheduler.js';
export { simulateClosedLoop, summarizeSim, aggregateSim, type SimRequest, type SimResult, type SimSummary } from './simulate.js';
export { StepNoise, type NoiseCoefficients, type StepNoiseSource } from './noise.js';
export type { EngineStats } from './stepper.js';
export { Answerer, splitTokens, type AnswerKeyEntry, type AnsweringOptions, type ReasoningStyle } from './answering.js';
export { Divergence, type DivergeOptions } from './divergence.js';
