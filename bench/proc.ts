// CPU accounting from /proc: a process tree's CPU time, and the machine's busy share between two samples.
import { existsSync, readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return out;
  for (const tid of readdirSync(dir)) {
    try {
      out.push(...readFileSync(`${dir}/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {}
  }
  return out;
}

/** CPU seconds (user + system) used so far by `pid` and its live descendants. */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      // Fields after the ")" of the command name: state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
    stack.push(...childrenOf(p));
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of `pid` and its descendants, in MB. */
export function treeRssMb(pid: number): number {
  let kb = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      kb += Number(readFileSync(`/proc/${p}/status`, "utf8").match(/VmRSS:\s+(\d+)/)![1]);
    } catch {}
    stack.push(...childrenOf(p));
  }
  return Math.round(kb / 1024);
}

/** A sample of the machine's CPU counters; `busyShare(a, b)` is the busy fraction of all cores between them. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.reduce((a, b) => a + b, 0);
  const idle = line[3]! + (line[4] ?? 0);
  return { busy: total - idle, total };
}

export function busyShare(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return (b.busy - a.busy) / Math.max(1, b.total - a.total);
}
