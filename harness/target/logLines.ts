// The last lines of a server's output, kept in memory so a failed start-up or a crash can show
// them (TargetSession.logTail) without reading the log file back.

/** A bounded buffer of text lines: `push` takes raw chunks (partial lines are joined). */
export class LogLines {
  private readonly lines: string[] = [];
  private partial = '';

  /** @param max lines kept; older ones are dropped. */
  constructor(private readonly max = 500) {}

  /** Append a chunk of output (any split, '\n' or '\r\n' line ends). */
  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const l of parts) this.lines.push(l);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  /** The last `n` lines (default 50), including an unterminated last line, joined by '\n'. */
  tail(n = 50): string {
    const all = this.partial ? [...this.lines, this.partial] : this.lines;
    return all.slice(Math.max(0, all.length - n)).join('\n');
  }
}
