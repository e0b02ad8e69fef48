// The currency every step hands to the next: RequestSpec (what to send, from workload/) and
// RequestRecord (what happened, from client/ or the engine's simulator) with its typed failure.
export type { Endpoint, RequestSpec } from './spec.js';
export type { RequestRecord, Failure, FailureKind, ToolCall } from './record.js';
export { FAILURE_KINDS } from './record.js';
