// Arrival stamps for socket reads. libuv hands every socket that one epoll_wait reported ready to
// JavaScript one after another in the same poll phase; stamping each read when its callback runs
// makes the k-th socket's stamp late by the processing time of the k-1 before it (at 256 streams
// that builds up to milliseconds). 'phase' mode instead reuses the first stamp of the poll phase
// until the check phase (setImmediate) ends it: every socket the poll reported was ready by then.
// But a read later in the phase may also pick up bytes that arrived after that first stamp, which
// then look earlier than they were. 'read' mode (the default) stamps every read on its own: its
// error is always lateness, never optimism. On the 2-core box neither mode was consistently more
// accurate in `npm run bench:client` (run-to-run noise was larger than the difference), so the
// conservative one is the default and the benchmark keeps measuring both.
import { now } from '../common/clock.js';

export type StampMode = 'read' | 'phase';

let phaseStamp = -1;
const endPhase = (): void => {
  phaseStamp = -1;
};

export function phaseNow(): number {
  if (phaseStamp < 0) {
    phaseStamp = now();
    setImmediate(endPhase);
  }
  return phaseStamp;
}

export function stampFn(mode: StampMode | undefined): () => number {
  return mode === 'phase' ? phaseNow : now;
}
