// How long the main thread computed, to tell a request held by the event loop from one held by a busy
// machine: on a loaded machine a wait can be long while the gateway's thread was not even running. Read
// from /proc (Linux: utime + stime of the main thread, in 10 ms ticks); null where there is no /proc.
import { existsSync, readFileSync } from 'node:fs';

const STAT = `/proc/self/task/${process.pid}/stat`;
const TICK_MS = 10;

/** CPU milliseconds the main thread has used so far, or null when the system does not say. */
export function mainThreadCpuMs(): number | null {
  if (!existsSync(STAT)) return null;
  // After the command name in parentheses: state is field 3; utime and stime are fields 14 and 15.
  const fields = readFileSync(STAT, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * Watches the event loop's turns: a timer every millisecond notes how much CPU the main thread used
 * since the last turn. The largest such amount is the longest the loop was held by work of its own (a
 * long wait with little CPU is the machine being busy elsewhere). Null where there is no /proc.
 */
export function watchLoopHolds(): { stop(): number | null } {
  let last = mainThreadCpuMs();
  if (last === null) return { stop: () => null };
  let longest = 0;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = mainThreadCpuMs()!;
    longest = Math.max(longest, now - last!);
    last = now;
    timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  return {
    stop() {
      clearTimeout(timer);
      tick();
      clearTimeout(timer);
      return longest;
    },
  };
}
