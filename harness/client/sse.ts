// Incremental Server-Sent Events parser over raw bytes (WHATWG "event stream" interpretation).
//
//   const p = new SseParser((type, data, time) => { ... });
//   p.push(chunk, arrivalTime);   // any number of times, chunks split at any byte
//   p.end(lastTime);              // at end of stream: flushes an unterminated last event
//
// Each event is reported with the `time` of the chunk in which its terminating blank line
// arrived: that is the moment the client could first have known the event was complete.
//
// Why bytes and not strings: a TCP chunk can end inside a multi-byte UTF-8 character. Line
// terminators (CR, LF) never occur inside a UTF-8 sequence, so we split on bytes and decode only
// complete lines; nothing is decoded twice and no streaming TextDecoder state is needed.
//
// Allocation per chunk is kept small: complete lines are decoded straight out of the chunk; only a
// line that straddles chunks is copied (once, when it completes). Field names are compared as bytes.
// The `id` and `retry` fields are ignored (a load generator never reconnects).
//
// Outside input is bounded (issue 10): a line with a field name other than data/event/id/retry
// (binary garbage, a missing `data:`) is reported through `onProblem` as `malformed_sse` instead of
// being skipped silently, and a line or an event's data longer than its cap (16 MiB by default) is
// reported as `oversized` and dropped instead of being buffered without limit.

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/** Called once per dispatched event; `type` is 'message' unless an `event:` field named it. */
export type SseEventHandler = (type: string, data: string, time: number) => void;

/** Called when the bytes are not a well-formed event stream; the parser keeps going. */
export type SseProblemHandler = (kind: 'malformed_sse' | 'oversized', message: string) => void;

/** Default caps on one line and on one event's data (bytes / UTF-16 units): 16 MiB each. */
export const DEFAULT_SSE_LIMITS = { maxLineBytes: 16 * 1024 * 1024, maxEventBytes: 16 * 1024 * 1024 };
export interface SseLimits {
  maxLineBytes: number;
  maxEventBytes: number;
}

export class SseParser {
  /** Pieces of a line whose terminator has not arrived yet. */
  private partial: Buffer[] = [];
  /** The previous chunk ended with CR: an LF at the start of the next chunk completes that CRLF. */
  private skipLeadingLF = false;
  /** The first line of the stream may start with a byte-order mark, which the spec strips. */
  private firstLine = true;
  /** Data buffer of the event being assembled; null until a `data` field appears. */
  private data: string | null = null;
  private type = '';
  private lastTime = 0;
  /** Bytes held in `partial`. */
  private partialBytes = 0;
  /** The current line passed its cap: drop bytes until its end. */
  private skippingLine = false;
  /** The current event's data passed its cap: drop its lines until the blank line. */
  private skippingEvent = false;

  constructor(
    private readonly onEvent: SseEventHandler,
    private readonly onProblem: SseProblemHandler = () => {},
    private readonly limits: SseLimits = DEFAULT_SSE_LIMITS,
  ) {}

  /** Feed the next chunk of the byte stream, with the clock time at which it arrived. */
  push(chunk: Buffer, time: number): void {
    this.lastTime = time;
    const n = chunk.length;
    let start = 0;
    if (this.skipLeadingLF) {
      if (n === 0) return;
      this.skipLeadingLF = false;
      if (chunk[0] === LF) start = 1;
    }
    // Native memchr via Buffer.indexOf; CR is rare (most servers send LF) so its search usually
    // returns -1 once per chunk and never again.
    let lf = chunk.indexOf(LF, start);
    let cr = chunk.indexOf(CR, start);
    while (lf !== -1 || cr !== -1) {
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        next = lf + 1;
      } else {
        end = cr;
        if (cr + 1 < n) {
          next = chunk[cr + 1] === LF ? cr + 2 : cr + 1;
        } else {
          next = n;
          this.skipLeadingLF = true;
        }
      }
      if (this.skippingLine) {
        this.skippingLine = false; // the over-long line ends here; it was never kept
      } else if (this.partial.length > 0) {
        this.partial.push(chunk.subarray(start, end));
        const line = Buffer.concat(this.partial);
        this.partial.length = 0;
        this.partialBytes = 0;
        if (this.fits(line.length)) this.line(line, 0, line.length, time);
      } else if (this.fits(end - start)) {
        this.line(chunk, start, end, time);
      }
      start = next;
      if (lf !== -1 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = chunk.indexOf(CR, start);
    }
    if (start < n && !this.skippingLine) {
      this.partialBytes += n - start;
      if (this.fits(this.partialBytes)) {
        this.partial.push(start === 0 ? chunk : chunk.subarray(start));
      } else {
        this.partial.length = 0;
        this.partialBytes = 0;
        this.skippingLine = true;
      }
    }
  }

  /** False (and reported) when a line of `len` bytes is over the cap. */
  private fits(len: number): boolean {
    if (len <= this.limits.maxLineBytes) return true;
    this.onProblem('oversized', `SSE line over ${this.limits.maxLineBytes} bytes`);
    return false;
  }

  /**
   * End of stream. The spec discards an event without its terminating blank line; we dispatch it
   * instead (stamped with the last chunk's time), so a server that omits the final blank line still
   * works and a truncated event surfaces as a JSON error upstream rather than vanishing silently.
   * Returns true when such an unterminated event or line was pending.
   */
  end(time: number = this.lastTime): boolean {
    let pending = false;
    this.skippingLine = false;
    if (this.partial.length > 0) {
      pending = true;
      const line = Buffer.concat(this.partial);
      this.partial.length = 0;
      this.partialBytes = 0;
      this.line(line, 0, line.length, time);
    }
    if (this.data !== null) {
      pending = true;
      this.line(EMPTY, 0, 0, time);
    }
    this.type = '';
    return pending;
  }

  private line(buf: Buffer, s: number, e: number, time: number): void {
    if (this.firstLine) {
      this.firstLine = false;
      if (e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    }
    if (s === e) {
      // Blank line: dispatch. An event with no data field is dropped, as the spec says.
      if (this.skippingEvent) {
        this.skippingEvent = false;
        this.data = null;
        this.type = '';
      } else if (this.data !== null) {
        const data = this.data;
        const type = this.type === '' ? 'message' : this.type;
        this.data = null;
        this.type = '';
        this.onEvent(type, data, time);
      } else {
        this.type = '';
      }
      return;
    }
    if (buf[s] === COLON) return; // comment / keep-alive
    let c = buf.indexOf(COLON, s);
    if (c === -1 || c >= e) c = e; // a line with no colon is a field name with an empty value
    let v = c + 1;
    if (v < e && buf[v] === SPACE) v++;
    if (v > e) v = e;
    const nameLen = c - s;
    if (nameLen === 4 && buf[s] === 0x64 && buf[s + 1] === 0x61 && buf[s + 2] === 0x74 && buf[s + 3] === 0x61) {
      // "data"
      if (this.skippingEvent) return;
      const value = buf.toString('utf8', v, e);
      this.data = this.data === null ? value : this.data + '\n' + value;
      if (this.data.length > this.limits.maxEventBytes) {
        this.onProblem('oversized', `SSE event data over ${this.limits.maxEventBytes} bytes`);
        this.data = '';
        this.skippingEvent = true;
      }
    } else if (
      nameLen === 5 &&
      buf[s] === 0x65 &&
      buf[s + 1] === 0x76 &&
      buf[s + 2] === 0x65 &&
      buf[s + 3] === 0x6e &&
      buf[s + 4] === 0x74
    ) {
      // "event"
      this.type = buf.toString('utf8', v, e);
    } else if (!isIgnoredField(buf, s, nameLen)) {
      this.onProblem('malformed_sse', `malformed SSE: line is not an SSE field: ${printable(buf, s, e)}`);
    }
  }
}

const EMPTY = Buffer.alloc(0);

/** `id` and `retry`: real SSE fields that a load generator has no use for. */
function isIgnoredField(buf: Buffer, s: number, n: number): boolean {
  if (n === 2) return buf[s] === 0x69 && buf[s + 1] === 0x64;
  return n === 5 && buf.toString('latin1', s, s + 5) === 'retry';
}

/** The start of a bad line, readable whatever its bytes (for the failure message). */
function printable(buf: Buffer, s: number, e: number): string {
  const head = buf.toString('latin1', s, Math.min(e, s + 60)).replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(head) + (e - s > 60 ? ` (${e - s} bytes)` : '');
}
