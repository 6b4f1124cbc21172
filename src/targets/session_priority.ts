import { getPriority } from "node:os";

/**
 * Gives the scheduling group of `pid`, a server akibench started in a session of its own, the
 * raised priority (negative nice) akibench runs at. Linux with autogroup
 * (/proc/sys/kernel/sched_autogroup_enabled 1) shares the CPU fairly between sessions and weighs a
 * process's nice only against the processes of its own session: `nice -n -15 akibench run …` left
 * the server it started (setsid, for Ctrl-C isolation) at the priority of every other session,
 * and on a busy machine the server answered late for want of CPU, not for its own cost. The
 * group's nice is what autogroup weighs between sessions (/proc/PID/autogroup, see sched(7)).
 * A lowered priority (nice > 0, as a test suite run politely) is not carried: the server's
 * session stays at the default, as before, rather than be starved into startup timeouts. No
 * autogroup (other kernels, other systems): nothing to do. Returns why it could not, or null.
 */
export function carryNiceToSession(pid: number, nice: number = getPriority()): string | null {
  if (nice >= 0) return null;
  const file = `/proc/${pid}/autogroup`;
  let group: string;
  try {
    group = Deno.readTextFileSync(file).split(" ")[0];
  } catch {
    return null;
  }
  // Still in akibench's own group (not a session of its own): its nice applies there already,
  // and writing would change the group of akibench and everything in its session.
  if (group === Deno.readTextFileSync("/proc/self/autogroup").split(" ")[0]) return null;
  try {
    Deno.writeTextFileSync(file, String(nice));
    return null;
  } catch (err) {
    // A negative nice needs CAP_SYS_NICE (or RLIMIT_NICE), or the process exited meanwhile.
    return `cannot raise the scheduling priority of its session to nice ${nice}: ${
      err instanceof Error ? err.message : err
    }`;
  }
}
