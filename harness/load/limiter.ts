// A counting semaphore for --max-concurrency: FIFO, so requests keep their schedule order when
// they queue for a slot (the wait shows up as queue time, as in vLLM's benchmark).
export class Limiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.active--;
  }

  /** Wake every waiter (run cancelled); they must check the abort signal themselves. */
  drain(): void {
    for (const w of this.waiters.splice(0)) {
      this.active++;
      w();
    }
  }
}
