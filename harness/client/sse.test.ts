import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';
import { Rng } from '../common/rng.js';

interface Ev {
  type: string;
  data: string;
  time: number;
}

/** Seeded floats in [0, 1), from the workload's generator (one PRNG in the project). */
function rng(seed: number): () => number {
  const r = new Rng(seed, 'sse-test');
  return () => r.uniform();
}

const WORDS = ['hello', ' world', '你好', '世界', '😀', '👍🏽', 'é', '∑', ' ', 'a:b', 'data:', '\\n', '"q"', 'x'];

/**
 * A long, nasty event stream plus the events a correct parser must produce from it, each with the
 * byte offset at which its terminating blank line ends (the event's "arrival" position).
 */
function buildStream(seed: number): { bytes: Buffer; expected: { type: string; data: string; at: number }[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const parts: Buffer[] = [];
  let len = 0;
  let prevTerm = '';
  const expected: { type: string; data: string; at: number }[] = [];
  const put = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    parts.push(b);
    len += b.length;
  };
  /** Emit one line; returns the offset of its terminator's first byte. */
  const line = (content: string): number => {
    let term = pick(['\n', '\n', '\r\n', '\r\n', '\r']);
    // A CR followed by an LF-terminated blank line would read as one CRLF: not what we mean.
    if (prevTerm === '\r' && content === '' && term === '\n') term = '\r\n';
    put(content);
    const at = len;
    put(term);
    prevTerm = term;
    return at;
  };
  const text = () => Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(WORDS)).join('');

  if (r() < 0.5) put('\uFEFF'); // BOM, stripped by the parser
  for (let i = 0; i < 150; i++) {
    // Noise before the event: comments, keep-alives, stray blank lines, ignored fields.
    const noise = Math.floor(r() * 3);
    for (let k = 0; k < noise; k++) {
      line(pick([': keep-alive', ':', `: junk ${text()}`, '', 'id: 7', 'retry: 1000', 'foo', 'foo: bar']));
    }
    if (r() < 0.1) {
      // An event type with no data is never dispatched, and must not leak into the next event.
      line('event: orphan');
      line('');
    }
    let type = 'message';
    if (r() < 0.2) {
      type = pick(['ping', 'error', 'message', '消息']);
      line(`event: ${type}`);
    }
    const nData = r() < 0.8 ? 1 : 2 + Math.floor(r() * 2);
    const values: string[] = [];
    for (let k = 0; k < nData; k++) {
      const v = r() < 0.7 ? JSON.stringify({ i, choices: [{ delta: { content: text() } }] }) : text();
      const style = r();
      // "data:v" and "data: v" give v; "data:  v" keeps one of the two spaces.
      if (style < 0.7) line(`data: ${v}`);
      else if (style < 0.85 && !v.startsWith(' ')) line(`data:${v}`);
      else if (style < 0.85) line(`data: ${v}`);
      else {
        line(`data:  ${v}`);
        values.push(` ${v}`);
        continue;
      }
      values.push(v);
      if (r() < 0.1) line(': comment between data lines');
    }
    const at = line('');
    expected.push({ type, data: values.join('\n'), at });
  }
  line('data: [DONE]');
  expected.push({ type: 'message', data: '[DONE]', at: line('') });
  return { bytes: Buffer.concat(parts), expected };
}

function parseChunks(chunks: Buffer[]): Ev[] {
  const out: Ev[] = [];
  const p = new SseParser((type, data, time) => out.push({ type, data, time }));
  chunks.forEach((c, i) => p.push(c, i));
  p.end();
  return out;
}

/** Split at random byte positions (sometimes dense, so many splits land inside characters). */
function randomSplit(bytes: Buffer, r: () => number): { chunks: Buffer[]; starts: number[] } {
  const density = r() < 0.2 ? 0.5 : r() * 0.02;
  const chunks: Buffer[] = [];
  const starts: number[] = [];
  let s = 0;
  for (let i = 1; i <= bytes.length; i++) {
    if (i === bytes.length || r() < density) {
      starts.push(s);
      // Copies, so a parser that kept views into an earlier chunk after it changed would show.
      chunks.push(Buffer.from(bytes.subarray(s, i)));
      if (r() < 0.05) chunks.push(Buffer.alloc(0)), starts.push(i); // empty chunks happen too
      s = i;
    }
  }
  return { chunks, starts };
}

/** Index of the chunk that holds byte `at`. */
function chunkOf(starts: number[], chunks: Buffer[], at: number): number {
  for (let i = starts.length - 1; i >= 0; i--) if (starts[i]! <= at && chunks[i]!.length > 0) return i;
  return 0;
}

describe('SseParser', () => {
  it('parses a whole stream into exactly the generated events', () => {
    for (const seed of [1, 2, 3]) {
      const { bytes, expected } = buildStream(seed);
      const got = parseChunks([bytes]);
      expect(got.map(({ type, data }) => ({ type, data }))).toEqual(expected.map(({ type, data }) => ({ type, data })));
    }
  });

  it('gives identical events, stamped with the arrival chunk of their blank line, under random byte splits', () => {
    const seeds = 60;
    for (let seed = 100; seed < 100 + seeds; seed++) {
      const { bytes, expected } = buildStream(seed % 7); // a few streams, many different splits
      const r = rng(seed);
      for (let rep = 0; rep < 5; rep++) {
        const { chunks, starts } = randomSplit(bytes, r);
        const got = parseChunks(chunks);
        const want = expected.map(({ type, data, at }) => ({ type, data, time: chunkOf(starts, chunks, at) }));
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          // Narrow the report to the first difference; the seed reproduces it.
          const i = got.findIndex((g, k) => JSON.stringify(g) !== JSON.stringify(want[k]));
          expect({ seed, rep, index: i, got: got[i] }).toEqual({ seed, rep, index: i, got: want[i] });
        }
        expect(got.length).toBe(want.length);
      }
    }
  });

  it('survives one-byte chunks through multi-byte characters', () => {
    const { bytes, expected } = buildStream(42);
    const chunks = Array.from(bytes, (b) => Buffer.from([b]));
    const got = parseChunks(chunks);
    expect(got.map((e) => e.data)).toEqual(expected.map((e) => e.data));
    expect(got.some((e) => e.data.includes('你好') || e.data.includes('😀'))).toBe(true);
  });

  it('joins a CR at the end of one chunk with an LF at the start of the next', () => {
    // One event with two data lines; reading the split CRLF as CR + LF would add a blank line.
    const got = parseChunks([Buffer.from('data: a\r'), Buffer.from('\ndata: b\r'), Buffer.from('\n\r'), Buffer.from('\n')]);
    expect(got).toEqual([{ type: 'message', data: 'a\nb', time: 2 }]);
  });

  it('handles several events in one chunk, comments and [DONE]', () => {
    const s = ': keep-alive\n\ndata: {"x":1}\n\n: ping\ndata: {"x":2}\n\ndata: [DONE]\n\n';
    expect(parseChunks([Buffer.from(s)])).toEqual([
      { type: 'message', data: '{"x":1}', time: 0 },
      { type: 'message', data: '{"x":2}', time: 0 },
      { type: 'message', data: '[DONE]', time: 0 },
    ]);
  });

  it('reports named error events with their data', () => {
    const got = parseChunks([Buffer.from('event: error\ndata: {"error":{"message":"boom"}}\n\ndata: after\n\n')]);
    expect(got).toEqual([
      { type: 'error', data: '{"error":{"message":"boom"}}', time: 0 },
      { type: 'message', data: 'after', time: 0 },
    ]);
  });

  it('joins multi-line data with LF', () => {
    expect(parseChunks([Buffer.from('data: a\ndata:\ndata: c\n\n')])).toEqual([{ type: 'message', data: 'a\n\nc', time: 0 }]);
  });

  it('flushes an unterminated final event at end() and says so', () => {
    const out: string[] = [];
    const p = new SseParser((_t, d) => out.push(d));
    p.push(Buffer.from('data: one\n\ndata: {"trunc'), 5);
    expect(out).toEqual(['one']);
    expect(p.end()).toBe(true);
    expect(out).toEqual(['one', '{"trunc']);
    const q = new SseParser(() => {});
    q.push(Buffer.from('data: x\n\n'), 0);
    expect(q.end()).toBe(false);
  });
});

describe('SseParser: bad and unbounded input (issue 10)', () => {
  const run = (chunks: (string | Buffer)[], limits = { maxLineBytes: 100, maxEventBytes: 150 }) => {
    const events: string[] = [];
    const problems: string[] = [];
    const p = new SseParser((_t, d) => events.push(d), (k, m) => problems.push(`${k}: ${m}`), limits);
    for (const c of chunks) p.push(typeof c === 'string' ? Buffer.from(c) : c, 0);
    p.end();
    return { events, problems };
  };

  it('reports a line that is not an SSE field, and keeps ignoring id/retry/comments', () => {
    const r = run(['id: 1\nretry: 5\n: ping\ndata: a\n\n', Buffer.from([0xff, 0x00, 0x0a]), 'dat: b\n\n']);
    expect(r.events).toEqual(['a']);
    expect(r.problems).toEqual(['malformed_sse: malformed SSE: line is not an SSE field: ".."', 'malformed_sse: malformed SSE: line is not an SSE field: "dat: b"']);
  });

  it('caps a line that never ends, holding none of it, and resumes after its end', () => {
    const big = 'data: ' + 'x'.repeat(60);
    const r = run([big, big, big, '\ndata: ok\n\n']);
    expect(r.problems).toEqual(['oversized: SSE line over 100 bytes']);
    expect(r.events).toEqual(['ok']);
  });

  it('caps one event made of many short data lines', () => {
    const line = 'data: ' + 'y'.repeat(50) + '\n';
    const r = run([line.repeat(4) + '\n', 'data: next\n\n']);
    expect(r.problems).toEqual(['oversized: SSE event data over 150 bytes']);
    expect(r.events).toEqual(['next']);
  });
});
