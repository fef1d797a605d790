import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU time used by the processes of a measurement (user + system, all threads), from
 * /proc/<pid>/stat. Unlike wall time it hardly depends on what else the machine is running, so
 * it is the figure to compare across runs on a shared machine.
 */
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function cpuSecondsOf(pid: number): number {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start with the state, field 3.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / clockTicks();
}

/** CPU seconds of this process's children that have exited and been waited for (cutime + cstime). */
export function exitedChildrenCpuSeconds(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / clockTicks();
}

export type CpuSeconds = Record<string, number>;

/** Starts counting for the named processes; `stop()` gives the CPU seconds each used since. */
export function cpuMeter(pids: Record<string, number>): { stop(): CpuSeconds } {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  return {
    stop() {
      const used: CpuSeconds = {};
      let total = 0;
      for (const [name, pid] of Object.entries(pids)) {
        used[name] = Number((cpuSecondsOf(pid) - start[name]!).toFixed(2));
        total += used[name]!;
      }
      used.total = Number(total.toFixed(2));
      return used;
    },
  };
}
