// Coalesces many small writes into one statement: the first write goes out at once, and whatever
// arrives while it is in flight goes out together in the next one. At idle that adds no latency;
// when 10,000 agents reconnect at once it turns 10,000 commits (each an fsync) into a few dozen.
export class MicroBatcher<I, O> {
  readonly #run: (items: readonly I[]) => Promise<readonly O[]>;
  readonly #maxBatch: number;
  #queue: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];
  #flushing = false;

  /** `run` must return one output per input, in order. */
  constructor(run: (items: readonly I[]) => Promise<readonly O[]>, maxBatch: number) {
    this.#run = run;
    this.#maxBatch = maxBatch;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        const outputs = await this.#run(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => entry.resolve(outputs[i] as O));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.#flushing = false;
  }
}
