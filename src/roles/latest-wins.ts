// One reconcile at a time, always on the newest input: inputs that arrive while a reconcile runs
// replace each other and the last one runs next. Shared by the controller and the speaker, whose
// informer snapshots come in bursts; `firstPass` is their readiness.
export class LatestWins<T> {
  private running: Promise<void> | undefined;
  private pending: { input: T } | undefined;
  private firstDone = false;
  private resolveFirst!: () => void;
  /** resolves when the first reconcile has finished (successfully or not) */
  readonly firstPass = new Promise<void>((r) => (this.resolveFirst = r));

  /** `run` should handle its own errors; anything it throws goes to `onError` and the queue goes on. */
  constructor(
    private readonly run: (input: T) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** true once a first reconcile has finished */
  get started(): boolean {
    return this.firstDone;
  }

  /** true while an input waits for the running reconcile to end */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  submit(input: T): void {
    this.pending = { input };
    void this.pump();
  }

  /** After the first pass, until nothing runs or waits. */
  async idle(): Promise<void> {
    await this.firstPass;
    while (this.running || this.pending) await this.pump();
  }

  /** Drops what waits and lets the running reconcile finish (shutdown). */
  async drain(): Promise<void> {
    this.pending = undefined;
    await this.running;
  }

  private pump(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      while (this.pending) {
        const { input } = this.pending;
        this.pending = undefined;
        try {
          await this.run(input);
        } catch (err) {
          this.onError(err);
        }
        if (!this.firstDone) {
          this.firstDone = true;
          this.resolveFirst();
        }
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
