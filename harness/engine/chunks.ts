// Response shapes, byte-for-byte in vLLM's style (key order, nulls that vLLM keeps or drops):
// chat chunks are dumped with exclude_unset (no "usage" key unless set, "stop_reason" only on the
// finishing chunk), completion chunks with every field ("stop_reason": null, "usage": null).
// Per-token chunks are string templates around a prebuilt prefix: this runs for every token of
// every stream, so it avoids building and stringifying objects.
import { randomUUID } from 'node:crypto';
import type { ApiKind } from './requests.js';

export type FinishReason = 'stop' | 'length';

export interface Usage {
  prompt: number;
  completion: number;
}

const usageJson = (u: Usage): string =>
  `{"prompt_tokens":${u.prompt},"total_tokens":${u.prompt + u.completion},"completion_tokens":${u.completion}}`;

export interface DebugInfo {
  received_at: number;
  emit_times: number[];
  time_origin: number;
}

export class ChunkBuilder {
  readonly id: string;
  readonly created: number;
  private readonly head: string;

  constructor(
    readonly kind: ApiKind,
    readonly model: string,
  ) {
    this.id = (kind === 'chat' ? 'chatcmpl-' : 'cmpl-') + randomUUID().replaceAll('-', '');
    this.created = Math.floor(Date.now() / 1000);
    const object = kind === 'chat' ? 'chat.completion.chunk' : 'text_completion';
    this.head = `{"id":"${this.id}","object":"${object}","created":${this.created},"model":${JSON.stringify(model)},"choices":`;
  }

  /** Chat's opening delta (role only, empty content), sent with the first token like vLLM. */
  role(usage: Usage | undefined): string {
    const u = usage ? `,"usage":${usageJson(usage)}` : '';
    return `${this.head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${u}}`;
  }

  /** One token's chunk. `reasoning` puts chat text in reasoning_content; `extra` is appended raw. */
  token(text: string, reasoning: boolean, finish: FinishReason | null, usage: Usage | undefined, extra = ''): string {
    const t = JSON.stringify(text);
    if (this.kind === 'chat') {
      const delta = reasoning ? `{"reasoning_content":${t}}` : `{"content":${t}}`;
      const fin = finish ? `"${finish}","stop_reason":null` : 'null';
      const u = usage ? `,"usage":${usageJson(usage)}` : '';
      return `${this.head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${fin}}]${u}${extra}}`;
    }
    const fin = finish ? `"${finish}"` : 'null';
    const u = usage ? usageJson(usage) : 'null';
    return `${this.head}[{"index":0,"text":${t},"logprobs":null,"finish_reason":${fin},"stop_reason":null}],"usage":${u}${extra}}`;
  }

  /** The usage-only final chunk (stream_options.include_usage). */
  usage(usage: Usage, extra = ''): string {
    return `${this.head}[],"usage":${usageJson(usage)}${extra}}`;
  }

  /** Non-streaming response body. */
  full(content: string, reasoning: string | null, finish: FinishReason, usage: Usage, extra = ''): string {
    const u = `{"prompt_tokens":${usage.prompt},"total_tokens":${usage.prompt + usage.completion},"completion_tokens":${usage.completion},"prompt_tokens_details":null}`;
    if (this.kind === 'chat') {
      const message = { role: 'assistant', reasoning_content: reasoning, content, tool_calls: [] };
      return (
        `{"id":"${this.id}","object":"chat.completion","created":${this.created},"model":${JSON.stringify(this.model)},` +
        `"choices":[{"index":0,"message":${JSON.stringify(message)},"logprobs":null,"finish_reason":"${finish}","stop_reason":null}],` +
        `"usage":${u},"prompt_logprobs":null${extra}}`
      );
    }
    return (
      `{"id":"${this.id}","object":"text_completion","created":${this.created},"model":${JSON.stringify(this.model)},` +
      `"choices":[{"index":0,"text":${JSON.stringify(content)},"logprobs":null,"finish_reason":"${finish}","stop_reason":null,"prompt_logprobs":null}],` +
      `"usage":${u}${extra}}`
    );
  }
}

/** `,"abserve_debug":{...}` to append inside a chunk's top-level object. */
export function debugField(d: DebugInfo): string {
  return `,"abserve_debug":${JSON.stringify(d)}`;
}
