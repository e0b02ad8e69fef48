// Hand-computed fixtures: every expected number below is worked out in the comment beside it.
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.js';
import { decodeHistogram } from './hdr.js';
import { rec, runInfo } from './testFixtures.js';

describe('TTFT', () => {
  it('counts from the first token event, not from a role-only opening delta', () => {
    // Role-only delta arrived at 1010 (the client does not record it as a token event); the first
    // content token came at 1250. TTFT = 1250 - 1000 = 250, not 10.
    const r = aggregate([rec({ sentAt: 1000, tokenTimes: [1250, 1300] })], runInfo());
    expect(r.ttft.mean).toBe(250);
    expect(r.requests[0].ttftMs).toBe(250);
  });

  it('counts a reasoning token as the first token', () => {
    // reasoning_content at 1100, content only at 1500: TTFT = 100.
    const r = aggregate(
      [rec({ sentAt: 1000, tokenTimes: [1100, 1300, 1500], reasoningText: 'hmm', text: 'A' })],
      runInfo(),
    );
    expect(r.ttft.mean).toBe(100);
  });
});

describe('multi-token chunks', () => {
  // Events at 100, 130, 190 carrying 1, 3, 2 tokens; sent at 0.
  const r = aggregate([rec({ sentAt: 0, tokenTimes: [100, 130, 190], tokenCounts: [1, 3, 2] })], runInfo());

  it('chunk-weighted ITL pools event gaps (vLLM)', () => {
    // gaps 30, 60 -> mean 45
    expect(r.itl.count).toBe(2);
    expect(r.itl.mean).toBe(45);
  });

  it('per-token ITL splits a k-token chunk into k gaps of gap/k', () => {
    // 30/3 x3 = 10,10,10 and 60/2 x2 = 30,30 -> mean 90/5 = 18, median 10
    expect(r.requests[0].itlsPerTokenMs).toEqual([10, 10, 10, 30, 30]);
    expect(r.itlPerToken.mean).toBe(18);
    expect(r.itlPerToken.median).toBe(10);
  });

  it('TPOT uses the token count, not the event count', () => {
    // 6 tokens: (190 - 100) / (6 - 1) = 18
    expect(r.tpot.mean).toBe(18);
    expect(r.totalOutputTokens).toBe(6);
  });
});

describe('one-token outputs', () => {
  it('are excluded from TPOT but kept in TTFT and E2EL', () => {
    const r = aggregate(
      [
        rec({ index: 0, sentAt: 0, tokenTimes: [40] }), // 1 token
        rec({ index: 1, sentAt: 0, tokenTimes: [50, 70, 90] }), // TPOT (90-50)/2 = 20
      ],
      runInfo(),
    );
    expect(r.tpot.count).toBe(1);
    expect(r.tpot.mean).toBe(20);
    expect(r.ttft.count).toBe(2);
    expect(r.ttft.mean).toBe(45); // (40 + 50) / 2
    expect(r.e2el.mean).toBe(65); // (40 + 90) / 2
    expect(r.requests[0].tpotMs).toBeNull();
  });
});

describe('failed requests', () => {
  const records = [
    rec({ index: 0, sentAt: 0, tokenTimes: [100, 200] }),
    // Failed mid-stream after one token: must not reach any latency statistic.
    rec({ index: 1, sentAt: 0, tokenTimes: [5], success: false, failure: { kind: 'http_5xx', message: 'HTTP 500: boom', status: 500 }, httpStatus: 500 }),
    rec({ index: 2, sentAt: 0, tokenTimes: [], success: false, failure: { kind: 'timeout', message: 'timeout after 30000 ms' } }),
  ];
  const r = aggregate(records, runInfo({ endedAt: 2000 }));

  it('are counted and listed with their errors', () => {
    expect(r.completed).toBe(1);
    expect(r.failed).toBe(2);
    expect(r.failures).toEqual([
      { index: 1, kind: 'http_5xx', error: 'HTTP 500: boom', httpStatus: 500 },
      { index: 2, kind: 'timeout', error: 'timeout after 30000 ms' },
    ]);
  });

  it('are excluded from latency stats and token totals', () => {
    expect(r.ttft.count).toBe(1);
    expect(r.ttft.mean).toBe(100); // the failed TTFT of 5 would pull this down
    expect(r.totalInputTokens).toBe(100); // only the successful prompt
    expect(r.requestThroughput).toBe(0.5); // 1 / 2 s
    expect(r.requests[1].outputTokens).toBe(0);
  });
});

describe('usage-only final chunk', () => {
  it('ends E2EL at the usage chunk, after the last token', () => {
    // tokens at 100, 200; usage chunk at 260. E2EL 260, TPOT (260 - 100) / (2 - 1) = 160.
    const r = aggregate([rec({ sentAt: 0, tokenTimes: [100, 200], endAt: 260, usageCompletionTokens: 2 })], runInfo());
    expect(r.e2el.mean).toBe(260);
    expect(r.tpot.mean).toBe(160);
    expect(r.itl.mean).toBe(100);
  });
});

describe('token count mismatches', () => {
  it('compares usage against client count and the intended prompt length', () => {
    const r = aggregate(
      [
        rec({ index: 0, tokenTimes: [1, 2, 3, 4], usageCompletionTokens: 5, usagePromptTokens: 100 }),
        rec({ index: 1, tokenTimes: [1, 2], usageCompletionTokens: 2, usagePromptTokens: 99 }),
        rec({ index: 2, tokenTimes: [1, 2] }), // no usage: nothing to compare
      ],
      runInfo(),
    );
    expect(r.mismatches.output).toBe(1);
    expect(r.mismatches.prompt).toBe(1);
    expect(r.mismatches.list).toEqual([
      { index: 0, kind: 'output', server: 5, client: 4 },
      { index: 1, kind: 'prompt', server: 99, client: 100 },
    ]);
    // Output tokens follow the server: 5 + 2 + 2 (client count where no usage)
    expect(r.totalOutputTokens).toBe(9);
  });
});

describe('goodput', () => {
  it('counts successful requests meeting every SLO (<=), one-token TPOT as 0', () => {
    const records = [
      rec({ index: 0, tokenTimes: [150, 200, 900] }), // ttft 150, tpot 375, e2el 900: good
      rec({ index: 1, tokenTimes: [250, 300] }), // ttft 250 > 200: bad
      rec({ index: 2, tokenTimes: [200, 1000] }), // ttft == 200, e2el == 1000, tpot 800: good (<=)
      rec({ index: 3, tokenTimes: [100, 1500] }), // e2el 1500 > 1000: bad
      rec({ index: 4, tokenTimes: [120] }), // one token: tpot 0 <= 10: good
      rec({ index: 5, success: false, failure: { kind: 'other', message: 'x' } }), // failed: never good
    ];
    const withTpot = aggregate(records, runInfo({ endedAt: 2000 }), { goodput: { ttft: 200, e2el: 1000 } });
    expect(withTpot.goodCompleted).toBe(3);
    expect(withTpot.requestGoodput).toBe(1.5); // 3 / 2 s
    const strictTpot = aggregate(records, runInfo({ endedAt: 2000 }), { goodput: { tpot: 10 } });
    expect(strictTpot.goodCompleted).toBe(1); // only the one-token request
    expect(aggregate(records, runInfo()).requestGoodput).toBeNull();
    expect(aggregate(records, runInfo(), { goodput: {} }).requestGoodput).toBeNull();
  });
});

describe('peak buckets', () => {
  // A: sent 0, events 500 (1 tok), 1200 (2), 1900 (1), ends 2100
  // B: sent 1500, events 1600 (1), 2500 (3), ends 2600
  // C: sent 2200, event 2250 (1), ends 2300
  const records = [
    rec({ index: 0, sentAt: 0, tokenTimes: [500, 1200, 1900], tokenCounts: [1, 2, 1], endAt: 2100 }),
    rec({ index: 1, sentAt: 1500, tokenTimes: [1600, 2500], tokenCounts: [1, 3], endAt: 2600 }),
    rec({ index: 2, sentAt: 2200, tokenTimes: [2250], endAt: 2300 }),
  ];
  const r = aggregate(records, runInfo({ endedAt: 2600 }));

  it('puts each event\'s tokens in the second it arrived', () => {
    // buckets: [0,1) 1; [1,2) 2+1+1 = 4; [2,3) 3+1 = 4; ceil(2.6)+1 = 4 buckets
    expect(r.tokensPerSecond).toEqual([1, 4, 4, 0]);
    expect(r.maxOutputTokensPerS).toBe(4);
  });

  it('counts requests in flight per second and exactly', () => {
    // A in 0,1,2; B in 1,2; C in 2 -> [1,2,3,0]; but at no instant were A and C both in flight
    expect(r.concurrencyPerSecond).toEqual([1, 2, 3, 0]);
    expect(r.maxConcurrentRequests).toBe(3);
    expect(r.peakConcurrencyExact).toBe(2);
    // Time-weighted: [0,1) A all second; [1,2) A + half of B; [2,2.6) (the run ends at 2.6)
    // A 0.1 + B 0.6 + C 0.1 over 0.6 s; nothing after.
    expect(r.inFlightPerSecond).toEqual([1, 1.5, 800 / 600, 0]);
  });
});

describe('queue time and latencies from the schedule', () => {
  it('measures from the scheduled send time too', () => {
    // scheduled 1000, sent 1030 (queue 30), first token 1130, end 1330
    const r = aggregate([rec({ scheduledAt: 1000, sentAt: 1030, tokenTimes: [1130, 1330] })], runInfo());
    expect(r.queue.mean).toBe(30);
    expect(r.ttft.mean).toBe(100);
    expect(r.ttftFromSchedule.mean).toBe(130);
    expect(r.e2el.mean).toBe(300);
    expect(r.e2elFromSchedule.mean).toBe(330);
  });
});

describe('run-level', () => {
  it('excludes warmups and uses endedAt - startedAt as the duration', () => {
    const r = aggregate(
      [
        rec({ index: 0, warmup: true, tokenTimes: [1, 2] }),
        rec({ index: 0, sentAt: 5000, tokenTimes: [5100, 5200, 5300, 5400] }),
      ],
      runInfo({ startedAt: 5000, endedAt: 9000 }),
    );
    expect(r.completed).toBe(1);
    expect(r.durationS).toBe(4);
    expect(r.outputThroughput).toBe(1); // 4 tokens / 4 s
    expect(r.totalTokenThroughput).toBe(26); // (100 + 4) / 4
    expect(r.requests).toHaveLength(1);
  });

  it('stores histograms in microseconds that decode to the recorded counts', () => {
    const r = aggregate([rec({ sentAt: 0, tokenTimes: [12.5, 20, 30] })], runInfo());
    const ttft = decodeHistogram(r.histograms.ttft);
    expect(ttft.totalCount).toBe(1);
    expect(ttft.getValueAtPercentile(50)).toBeCloseTo(12500, -1); // 12.5 ms = 12500 us, 3 digits
    expect(decodeHistogram(r.histograms.itl).totalCount).toBe(2);
  });
});
