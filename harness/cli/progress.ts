// The live progress line: done / in flight / failed and output tok/s, redrawn on a TTY at most
// a few times a second; silent when stderr is not a terminal (CI logs, pipes). The run emits
// progress (load/ onProgress) and this view subscribes: no TTY code below cli/.
import cliProgress from 'cli-progress';
import type { LoadProgress } from '../load/runLoad.js';

export interface ProgressView {
  update(p: LoadProgress): void;
  stop(): void;
}

const SILENT: ProgressView = { update: () => {}, stop: () => {} };

export function progressView(total: number, label: string, stream = process.stderr): ProgressView {
  if (!stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      fps: 5,
      hideCursor: true,
      clearOnComplete: true,
      format: `${label} [{bar}] {value}/{total} | in flight {inflight} | failed {failed} | {tps} out tok/s`,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { inflight: 0, failed: 0, tps: '0' });
  return {
    update(p) {
      const tps = p.elapsedMs > 0 ? ((p.outputTokens * 1000) / p.elapsedMs).toFixed(1) : '0';
      bar.update(p.done, { inflight: p.inFlight, failed: p.failed, tps });
    },
    stop() {
      bar.stop();
    },
  };
}
