/**
 * CPU time of DynamoDB Local's JVM, whole and per thread, from Linux /proc: what a benchmark
 * needs to tell a busy machine from a serial bottleneck. DynamoDB Local runs every request's
 * SQLite work on one thread, so that thread's CPU per message bounds the messages per second the
 * local stack can reach, however many cores are free.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** User plus system CPU seconds, from the fields after the command name in a /proc stat line. */
function statCpuSeconds(statLine: string): number {
  const fields = statLine.split(') ')[1]?.split(' ') ?? [];
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The process id of the DynamoDB Local JVM listening on `port`. */
export function dynamoDbLocalPid(port: number): string {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (commandLine.includes('DynamoDBLocal') && commandLine.includes(`-port\0${port}\0`)) return pid;
  }
  throw new Error(`no DynamoDB Local process on port ${port}`);
}

export interface CpuSnapshot {
  totalSeconds: number;
  threadSeconds: Map<string, number>;
}

export function cpuSnapshot(pid: string): CpuSnapshot {
  const threadSeconds = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threadSeconds.set(tid, statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // a thread that ended meanwhile
    }
  }
  return { totalSeconds: statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')), threadSeconds };
}

export interface CpuSpent {
  totalSeconds: number;
  /** The one thread that spent the most between the two snapshots. */
  busiestThreadSeconds: number;
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  let busiestThreadSeconds = 0;
  for (const [tid, seconds] of after.threadSeconds) {
    busiestThreadSeconds = Math.max(busiestThreadSeconds, seconds - (before.threadSeconds.get(tid) ?? 0));
  }
  return { totalSeconds: after.totalSeconds - before.totalSeconds, busiestThreadSeconds };
}

/** `DynamoDB Local 5.1 ms, its busiest thread 4.3 ms (serial: at most 232 msg/s)` for `units` handled. */
export function describeCpuPerUnit(spent: CpuSpent, units: number, unit: string): string {
  const perUnitMs = (seconds: number) => (seconds * 1000) / units;
  const busiest = perUnitMs(spent.busiestThreadSeconds);
  return `DynamoDB Local ${perUnitMs(spent.totalSeconds).toFixed(2)} ms, its busiest thread ${busiest.toFixed(2)} ms (serial: at most ${Math.floor(1000 / busiest)} ${unit}/s)`;
}
