// Test helper: a tiny OpenAI-compatible chat server (node:http) whose replies are scripted per
// request (GET /v1/models lists `fake-model`, with max_model_len when asked; `stream: true` gets
// SSE), so runner tests can play correct, wrong, thinking, truncated, 429, 4xx and 5xx answers.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request: reply with a message, an HTTP error, drop the
 *  connection, or never answer. */
export type Reply =
  | { content?: string | null; reasoning_content?: string; reasoning?: string; finish_reason?: string; completion_tokens?: number }
  | { status: number; headers?: Record<string, string>; message?: string }
  | 'destroy'
  | 'hang';

/** Decides the reply from the user message text and how many times this same text was asked before. */
export type Script = (userText: string, attempt: number, body: Record<string, unknown>) => Reply | Promise<Reply>;

export interface FakeServer {
  url: string;
  /** Every request body received, in order. */
  bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 at a free port. `close()` drops open sockets (hanging requests
 *  included) and stops it. With `maxModelLen`, /v1/models reports it as vLLM does (`max_model_len`). */
export async function startFakeServer(
  script: Script,
  /** `apiKey`: requests without `Authorization: Bearer <apiKey>` get a 401 (GET /v1/models too unless `modelsOpen`). */
  opts: { maxModelLen?: number; apiKey?: string; modelsOpen?: boolean } = {},
): Promise<FakeServer> {
  const bodies: Record<string, unknown>[] = [];
  const seen = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer(async (req, res) => {
    const isModels = req.method === 'GET' && req.url === '/v1/models';
    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}` && !(isModels && opts.modelsOpen)) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: 'Unauthorized' }));
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const model = { id: 'fake-model', object: 'model', ...(opts.maxModelLen !== undefined ? { max_model_len: opts.maxModelLen } : {}) };
      return void res.end(JSON.stringify({ object: 'list', data: [model] }));
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { messages: { content: string }[] } & Record<string, unknown>;
    bodies.push(body);
    const text = body.messages[body.messages.length - 1].content;
    const attempt = (seen.get(text) ?? 0) + 1;
    seen.set(text, attempt);
    const reply = await script(text, attempt, body);
    if (reply === 'hang') return;
    if (reply === 'destroy') return void req.socket.destroy();
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      return void res.end(JSON.stringify({ error: { message: reply.message ?? `scripted ${reply.status}`, type: 'test' } }));
    }
    if (body.stream === true) return void streamReply(res, reply, String(body.model));
    const message: Record<string, unknown> = { role: 'assistant', content: reply.content ?? null };
    if (reply.reasoning_content !== undefined) message.reasoning_content = reply.reasoning_content;
    if (reply.reasoning !== undefined) message.reasoning = reply.reasoning;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: reply.finish_reason ?? 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: reply.completion_tokens ?? 5, total_tokens: 15 },
      }),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

type MessageReply = Exclude<Reply, 'destroy' | 'hang' | { status: number }>;

/** The same reply as an OpenAI chat stream: role, reasoning, content, finish, usage, [DONE]. */
function streamReply(res: http.ServerResponse, reply: MessageReply, model: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    send({ id: 'x', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] });
  chunk({ role: 'assistant' });
  if (reply.reasoning_content) chunk({ reasoning_content: reply.reasoning_content });
  if (reply.content) chunk({ content: reply.content });
  chunk({}, reply.finish_reason ?? 'stop');
  const completion = reply.completion_tokens ?? 5;
  send({ id: 'x', object: 'chat.completion.chunk', created: 0, model, choices: [], usage: { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion } });
  res.end('data: [DONE]\n\n');
}
