// The stream faults of the embedded engine (see faults.ts), applied at the byte level: a Session
// writes to this wrapper exactly as to its ServerResponse, and the wrapper breaks the stream at
// the second write (after the first token) or at the end, whichever comes first. The Session
// needs no knowledge of faults; when the wrapper ends or destroys the response early, the
// Session's 'close' handler frees its slot as for a client that went away.
import type { ServerResponse } from 'node:http';
import type { Fault, ResolvedFaults } from './faults.js';

const HTTP_FAULTS = { http_500: 500, http_503: 503, http_429: 429 } as const;

/**
 * Answer an HTTP-error fault (500, 503 + Retry-After, 429 + Retry-After) with an OpenAI-shaped
 * error body; false when `fault` is not one (the request goes on).
 */
export function httpFault(res: ServerResponse, fault: Fault, cfg: ResolvedFaults): boolean {
  if (!(fault.kind in HTTP_FAULTS)) return false;
  const status = HTTP_FAULTS[fault.kind as keyof typeof HTTP_FAULTS];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (status !== 500) headers['retry-after'] = String(cfg.retryAfterS);
  const type = status === 429 ? 'RateLimitError' : status === 503 ? 'ServiceUnavailableError' : 'InternalServerError';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message: `injected fault: ${fault.kind}`, type, param: null, code: status } }));
  return true;
}

/** The write (0-based) at which a stream fault strikes: right after the first token went out. */
const TRIGGER_WRITE = 1;

type Out = string | Buffer;

/** A ServerResponse look-alike for Session: writeHead, flushHeaders, on, write, end, destroy. */
export class FaultyResponse {
  private writes = 0;
  /** The response was ended or destroyed by the fault: later writes go nowhere. */
  private cut = false;
  /** Writes held back by a stall (with `end` marked by null). */
  private held: (Out | null)[] | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly fault: Fault,
    private readonly cfg: ResolvedFaults,
  ) {
    res.on('close', () => clearTimeout(this.timer));
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  writeHead(status: number, headers: Record<string, string>): this {
    this.res.writeHead(status, headers);
    return this;
  }

  flushHeaders(): void {
    this.res.flushHeaders();
  }

  on(event: 'close', fn: () => void): this {
    this.res.on(event, fn);
    return this;
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.res.destroy();
  }

  write(chunk: Out): boolean {
    this.pass(chunk, false);
    return true;
  }

  end(chunk?: Out): this {
    this.pass(chunk ?? '', true);
    return this;
  }

  private pass(chunk: Out, end: boolean): void {
    if (this.cut) return;
    if (this.held !== null) {
      this.held.push(chunk, ...(end ? [null] : []));
      return;
    }
    const n = this.writes++;
    if (n < TRIGGER_WRITE && !end) {
      this.res.write(chunk);
      return;
    }
    if (n > TRIGGER_WRITE) return this.forward(chunk, end); // the fault already struck
    switch (this.fault.kind) {
      case 'reset':
        this.cut = true;
        this.res.destroy();
        return;
      case 'truncate':
        this.cut = true;
        this.res.end();
        return;
      case 'stall':
        this.held = [chunk, ...(end ? [null] : [])];
        this.timer = setTimeout(this.release, this.cfg.stallMs);
        return;
      case 'malformed':
        return this.forward(breakEvent(String(chunk), this.fault.variant ?? 'bad_json'), end);
      case 'oversized':
        this.res.write(`data: ${'x'.repeat(this.cfg.oversizedBytes)}\n\n`);
        return this.forward(chunk, end);
      default: // slow_headers (already served late) and HTTP faults (answered before a session)
        return this.forward(chunk, end);
    }
  }

  private forward(chunk: Out, end: boolean): void {
    if (this.res.destroyed) return;
    if (end) this.res.end(chunk);
    else this.res.write(chunk);
  }

  private readonly release = (): void => {
    const q = this.held ?? [];
    this.held = null;
    for (let i = 0; i < q.length; i++) {
      const c = q[i]!;
      if (c === null) continue;
      this.forward(c, q[i + 1] === null);
    }
  };
}

/** One SSE write made malformed the way `variant` says (the first event in it). */
export function breakEvent(s: string, variant: string): string {
  switch (variant) {
    case 'no_data_prefix':
      return s.replace(/^data: /, '');
    case 'no_blank_line':
      // The next event's data joins this one's: "obj\nobj" is not JSON.
      return s.replace('\n\n', '\n');
    case 'garbage':
      return '\u0000\u00ff\u0013garbage\n' + s;
    default: {
      const i = s.indexOf('\n\n');
      // Cut the JSON in half but keep the event's end, so the event is complete and broken.
      return i > 12 ? s.slice(0, Math.floor(i / 2)) + s.slice(i) : 'data: {"choices": [\n\n' + s;
    }
  }
}
