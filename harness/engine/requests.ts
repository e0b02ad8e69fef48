// Validation of /v1/completions and /v1/chat/completions bodies into one internal request, with
// vLLM-style 400 errors. Prompt lengths are counted with the built-in tokenizer (or are the length
// of a token-id array), the same tokenizer the workload uses, so prompt_tokens match exactly.
import { builtinTokenizer } from '../common/tokenizer.js';

export type ApiKind = 'chat' | 'completion';

export interface ParsedRequest {
  kind: ApiKind;
  model: string;
  promptTokens: number;
  /** Seed for EOS length and text: the request's seed, else a hash of the prompt ids. */
  promptIds: number[];
  /** Chat only: the messages' text contents joined by newlines (answering mode reads the question here). */
  promptText?: string;
  seed: number | undefined;
  maxTokens: number;
  minTokens: number;
  ignoreEos: boolean;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
  debug: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'BadRequestError',
    readonly param: string | null = null,
  ) {
    super(message);
  }

  body(): string {
    return JSON.stringify({
      error: { message: this.message, type: this.type, param: this.param, code: this.status },
    });
  }
}

const bad = (message: string, param: string | null = null): ApiError => new ApiError(400, message, 'BadRequestError', param);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isTokenIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => isInt(x) && x >= 0);

function optBool(b: Obj, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`'${key}' must be a boolean, got ${JSON.stringify(v)}`, key);
  return v;
}

function optInt(b: Obj, key: string, min: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (!isInt(v) || v < min) throw bad(`'${key}' must be an integer >= ${min}, got ${JSON.stringify(v)}`, key);
  return v;
}

/**
 * A lower bound on the built-in tokenizer's count for `s` without tokenizing it: every token covers
 * at most 3 printable ASCII characters (other characters are not counted, so it stays a bound).
 * Issue 10: a 15 MB prompt is refused before millions of ids are allocated.
 */
function atLeastTokens(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) n++;
  }
  return Math.ceil(n / 3);
}

function checkFits(atLeast: number, maxModelLen: number, param: string): void {
  if (atLeast >= maxModelLen) {
    throw bad(`This model's maximum context length is ${maxModelLen} tokens. However, the prompt has at least ${atLeast} tokens.`, param);
  }
}

function completionPrompt(b: Obj, maxModelLen: number): number[] {
  let p = b.prompt;
  // A batch of one is accepted; real batches would need several choices per response.
  if (Array.isArray(p) && p.length === 1 && (typeof p[0] === 'string' || Array.isArray(p[0]))) p = p[0];
  if (Array.isArray(p)) checkFits(p.length, maxModelLen, 'prompt');
  if (typeof p === 'string') {
    checkFits(atLeastTokens(p), maxModelLen, 'prompt');
    return builtinTokenizer().encode(p);
  }
  if (isTokenIds(p)) return p;
  if (Array.isArray(p)) throw bad("'prompt' batches of more than one prompt are not supported", 'prompt');
  throw bad("'prompt' must be a string or an array of token ids", 'prompt');
}

function chatPrompt(b: Obj, maxModelLen: number): number[] {
  const msgs = b.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) throw bad("'messages' must be a non-empty array", 'messages');
  let atLeast = 0;
  for (const m of msgs) {
    const c = isObj(m) ? m.content : undefined;
    if (typeof c === 'string') atLeast += atLeastTokens(c);
    else if (Array.isArray(c)) for (const part of c) if (isObj(part) && typeof part.text === 'string') atLeast += atLeastTokens(part.text);
  }
  checkFits(atLeast, maxModelLen, 'messages');
  const ids: number[] = [];
  const tok = builtinTokenizer();
  msgs.forEach((m, i) => {
    if (!isObj(m) || typeof m.role !== 'string') throw bad(`messages[${i}] needs a string 'role'`, 'messages');
    const c = m.content;
    // No chat template: the prompt is the messages' contents only (whitespace is free, so this
    // equals the sum of the per-message counts).
    if (typeof c === 'string') pushAll(ids, tok.encode(c));
    else if (Array.isArray(c)) {
      for (const part of c) {
        if (!isObj(part) || part.type !== 'text' || typeof part.text !== 'string') {
          throw bad(`messages[${i}].content parts must be {type: 'text', text}`, 'messages');
        }
        pushAll(ids, tok.encode(part.text));
      }
    } else if (c !== undefined && c !== null) throw bad(`messages[${i}].content must be a string or parts`, 'messages');
  });
  return ids;
}

/** The messages' text (string contents and text parts), joined by newlines; called after chatPrompt
 *  validated the shapes. */
function chatText(b: Obj): string {
  const parts: string[] = [];
  for (const m of b.messages as unknown[]) {
    const c = isObj(m) ? m.content : undefined;
    if (typeof c === 'string') parts.push(c);
    else if (Array.isArray(c)) for (const p of c) if (isObj(p) && typeof p.text === 'string') parts.push(p.text);
  }
  return parts.join('\n');
}

/** push(...xs) overflows the call stack for very long arrays; a loop does not. */
function pushAll(to: number[], xs: readonly number[]): void {
  for (let i = 0; i < xs.length; i++) to.push(xs[i]!);
}

export function parseRequest(kind: ApiKind, raw: string, servedModel: string, maxModelLen: number): ParsedRequest {
  let b: unknown;
  try {
    b = JSON.parse(raw);
  } catch (e) {
    throw bad(`malformed JSON body: ${(e as Error).message}`);
  }
  if (!isObj(b)) throw bad('the request body must be a JSON object');

  const model = b.model ?? servedModel;
  if (model !== servedModel) {
    // vLLM answers 404 NotFoundError here; abserve's contract is a 400 for any bad field.
    throw bad(`The model \`${String(model)}\` does not exist.`, 'model');
  }
  const n = optInt(b, 'n', 1);
  if (n !== undefined && n !== 1) throw bad("only 'n' = 1 is supported", 'n');
  if (b.temperature !== undefined && b.temperature !== null && (typeof b.temperature !== 'number' || b.temperature < 0)) {
    throw bad(`'temperature' must be a number >= 0, got ${JSON.stringify(b.temperature)}`, 'temperature');
  }
  const seed = optInt(b, 'seed', Number.MIN_SAFE_INTEGER);

  const promptIds = kind === 'chat' ? chatPrompt(b, maxModelLen) : completionPrompt(b, maxModelLen);
  const promptTokens = promptIds.length;
  if (promptTokens === 0) throw bad('the prompt is empty (0 tokens)', kind === 'chat' ? 'messages' : 'prompt');

  const maxKey = kind === 'chat' && b.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const askedMax = optInt(b, maxKey, 1);
  if (promptTokens >= maxModelLen || (askedMax !== undefined && promptTokens + askedMax > maxModelLen)) {
    throw bad(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
        `${promptTokens + (askedMax ?? 0)} tokens (${promptTokens} in the messages, ${askedMax ?? 0} in the completion). ` +
        'Please reduce the length of the messages or completion.',
      kind === 'chat' ? 'messages' : 'prompt',
    );
  }
  // vLLM's default: whatever room the context leaves.
  const maxTokens = askedMax ?? maxModelLen - promptTokens;
  const minTokens = optInt(b, 'min_tokens', 0) ?? 0;
  if (minTokens > maxTokens) throw bad(`'min_tokens' (${minTokens}) must be <= max_tokens (${maxTokens})`, 'min_tokens');

  const stream = optBool(b, 'stream') ?? false;
  let includeUsage = false;
  let continuousUsage = false;
  const so = b.stream_options;
  if (so !== undefined && so !== null) {
    if (!stream) throw bad('Stream options can only be defined when `stream=True`.', 'stream_options');
    if (!isObj(so)) throw bad("'stream_options' must be an object", 'stream_options');
    includeUsage = optBool(so, 'include_usage') ?? false;
    // As in vLLM: per-chunk usage only when the final usage is asked for too.
    continuousUsage = includeUsage && (optBool(so, 'continuous_usage_stats') ?? false);
  }

  return {
    kind,
    model: servedModel,
    promptTokens,
    promptIds,
    ...(kind === 'chat' ? { promptText: chatText(b) } : {}),
    seed,
    maxTokens,
    minTokens,
    ignoreEos: optBool(b, 'ignore_eos') ?? false,
    stream,
    includeUsage,
    continuousUsage,
    debug: optBool(b, 'abserve_debug') ?? false,
  };
}
