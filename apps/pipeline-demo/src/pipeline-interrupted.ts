/**
 * The reason the demo's signal aborts with when the user interrupts it (Ctrl+C sends SIGINT): the
 * run stops at the next safe point and still writes its report, marked interrupted, with what
 * landed. `signalName` is recorded in the report.
 */
export class PipelineInterrupted extends Error {
  readonly signalName: string;
  constructor(signalName: string) {
    super(`Interrupted by ${signalName}`);
    this.name = 'PipelineInterrupted';
    this.signalName = signalName;
  }
}

/** The signal name of an interruption reason, whatever aborted the signal. */
export function interruptionSignal(reason: unknown): string {
  return reason instanceof PipelineInterrupted ? reason.signalName : 'abort';
}
