// Ctrl-C (SIGINT) and SIGTERM in a command other than `serve` (which drains: serve.ts). By default Node
// ended the process at once, wherever it was: `catalogue import --publish` of many files died holding the
// publication lock, so the next import or publication waited for it STALE_MS (30 s), refused meanwhile,
// and the audit log held its `attempted` entry alone. A command whose work holds something takes the
// signal (interruption()): the first SIGINT/SIGTERM aborts it, the work stops at its next step with an
// InterruptedError (src/store/interrupted.ts), gives back what it holds, writes its `not done` entry, and
// the process exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports a process such a signal ended. A
// command that took no signal (reads, short writes) ends at once with that code, as before; so does any
// command at a second signal, saying so (what it held is then left as a killed process leaves it).
import { InterruptedError } from '../store/interrupted.ts';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type Interrupt = keyof typeof SIGNAL_NUMBERS;

const controller = new AbortController();
let taken = false;

/** The exit code of a process a signal ended: 128 and the signal's number. */
export const interruptedExitCode = (signal: string): number => 128 + (SIGNAL_NUMBERS[signal as Interrupt] ?? 0);

/** The signal a command's long work checks between its steps; taken, a first SIGINT/SIGTERM aborts it. */
export function interruption(): AbortSignal {
  taken = true;
  return controller.signal;
}

/** Installs the handlers; main.ts does, for every command but `serve`. */
export function handleInterrupts(): void {
  for (const signal of Object.keys(SIGNAL_NUMBERS) as Interrupt[]) {
    process.on(signal, () => {
      if (taken && !controller.signal.aborted) {
        process.stderr.write(`govgraph: ${signal}: stopping before the next change (a second ${signal} stops at once)\n`);
        controller.abort(new InterruptedError(signal));
        return;
      }
      if (taken) process.stderr.write(`govgraph: ${signal} again: stopped at once, where it was (a publication lock it held is taken over 30 s after)\n`);
      process.exit(interruptedExitCode(signal));
    });
  }
}

/** The exit code of a command whose work ended with `err`: 130/143 when a signal stopped it. */
export function exitCodeOf(err: unknown): number {
  return err instanceof InterruptedError ? interruptedExitCode(err.signal) : 1;
}
