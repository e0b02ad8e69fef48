// Arrival stamps for socket reads. libuv hands every socket that one epoll_wait reported ready to
// JavaScript one after another in the same poll phase; stamping each read when its callback runs
// makes the k-th socket's stamp late by the processing time of the k-1 before it (at 256 streams
// that builds up to milliseconds). All of them were ready when the poll returned, so the first
// stamp of the phase is the better arrival time for each: 'phase' mode reuses it until the
// check phase (setImmediate) ends the poll phase. 'read' mode stamps every read on its own.
import { now } from '../clock.js';

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
  return mode === 'read' ? now : phaseNow;
}
