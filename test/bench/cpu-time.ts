// CPU time used by a process: on a busy machine steadier than wall time, so scenarios report it
// per message beside their rates.
import { readFileSync } from 'node:fs'

/** CPU time (user + system) process `pid` has used, in ms (Linux /proc; 0 elsewhere). */
export function cpuMsOf (pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime: fields 14 and 15 of the whole line, in clock ticks (100 a second)
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return 0
  }
}

/** CPU time this process has used, in ms. */
export function ownCpuMs (): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
