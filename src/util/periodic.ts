/**
 * A check that runs now and then, one at a time: the first run right after start(), the next `everyMs` after each
 * one ends; check() runs it now (or joins the run under way); stop() waits for the run under way. A failure is
 * handed to `onError` and the next run comes as usual.
 */
export class PeriodicCheck {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly o: { everyMs: number; run: () => Promise<void>; onError: (err: unknown) => void }) {}

  /** Set by stop(): a long run checks it between steps to end early. */
  get stopped(): boolean {
    return this.stopping;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.check().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.o.everyMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  check(): Promise<void> {
    this.running ??= this.o
      .run()
      .catch(this.o.onError)
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
