// The client's own parsing cost per SSE event (SSE framing + JSON + accumulation), without any
// socket: the part of the per-event cost that abserve's code controls. The rest of a live event's
// cost is undici's HTTP parsing and the kernel's read.
import { StreamAccumulator } from '../client/accumulate.js';
import { SseParser } from '../client/sse.js';
import { now } from '../common/clock.js';

/** A vLLM-shaped completion chunk with continuous usage, as the engine streams it. */
function event(i: number): Buffer {
  return Buffer.from(
    `data: {"id":"cmpl-0123456789abcdef","object":"text_completion","created":1764000000,"model":"abserve-engine",` +
      `"choices":[{"index":0,"text":" ab","logprobs":null,"finish_reason":null,"stop_reason":null}],` +
      `"usage":{"prompt_tokens":8,"total_tokens":${9 + i},"completion_tokens":${i + 1}}}\n\n`,
  );
}

/** Microseconds per event, median of `reps` passes over `streams` streams of `events` events. */
export function parseCostUs(streams = 1000, events = 100, reps = 5): number {
  const chunks = Array.from({ length: events }, (_, i) => event(i));
  const perEvent: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = now();
    for (let s = 0; s < streams; s++) {
      const acc = new StreamAccumulator();
      const parser = new SseParser(acc.onEvent);
      for (let i = 0; i < events; i++) parser.push(chunks[i], i);
      if (acc.clientOutputTokens !== events) throw new Error('parse cost: stream not parsed');
    }
    perEvent.push(((now() - t0) * 1000) / (streams * events));
  }
  return perEvent.sort((a, b) => a - b)[Math.floor(reps / 2)];
}
