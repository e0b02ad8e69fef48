// Public surface of the streaming client; everything else in this folder is internal.
export { createClient, DEFAULT_MAX_CONNECTIONS, type ClientOptions, type StreamingClient } from './client.js';
export { resolveTarget } from './options.js';
export { SseParser, type SseEventHandler } from './sse.js';
export type { RequestRecord } from '../records/record.js';
