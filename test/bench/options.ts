// Command-line options of the benchmark: full sizes by default, tiny ones with --smoke.
import { parseArgs } from 'node:util'

export interface BenchOptions {
  smoke: boolean
  /** scenario numbers to run (1-8) */
  only: Set<number>
  warmup: number
  latencySamples: number
  fanoutSizes: number[]
  fanoutSamples: number
  /** participants (processes) of the mesh rows */
  meshSizes: number[]
  processPeers: number
  throughputMessages: number
  catchupMessages: number
  inviteSizes: number[]
  inviteSamples: number
  startupSamples: number
  memoryParticipants: number
  memoryMessages: number
  /** build the .vsix with `npm run package` (else only measure an existing one) */
  packageVsix: boolean
  out: string
  /** this machine's time for the calibration work / the project machine's (≥ 1); run.ts sets it */
  slowdown: number
}

export const BENCH_USAGE = `node --import tsx test/bench/run.ts [options]
  --smoke                 tiny sizes (seconds), for the test suite
  --only 1,3,8            run only these scenarios
  --samples N             latency samples (default 400)
  --fanout 2,5,10,20,50   participants per fan-out size
  --fanout-samples N      samples per fan-out size (default 60)
  --mesh 20,50,100        participants (one process each) of the mesh rows, beside gossipsub
  --processes N           headless-peer processes in the process fan-out (default 5)
  --throughput N          messages in the throughput run (default 5000)
  --catchup N             messages missed before the catch-up (default 10000)
  --invitees 1,20         invitees per invitation round trip
  --invite-samples N      round trips per size (default 8)
  --startup-samples N     start-ups measured (default 5)
  --memory-participants N participants of the memory conference (default 20)
  --memory-messages N     messages it holds (default 10000)
  --no-package            do not run \`npm run package\`; measure an existing devmeet.vsix
  --out FILE              JSON results (default bench-results.json)`

function list (v: string | undefined, dflt: number[]): number[] {
  if (v == null) return dflt
  const out = v.split(',').map(s => Number(s.trim()))
  if (out.some(n => !Number.isInteger(n) || n < 1)) throw new Error(`not a list of positive integers: ${v}`)
  return out
}

function int (v: string | undefined, dflt: number): number {
  if (v == null) return dflt
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${v}`)
  return n
}

export function parseBenchArgs (argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      only: { type: 'string' },
      samples: { type: 'string' },
      fanout: { type: 'string' },
      'fanout-samples': { type: 'string' },
      mesh: { type: 'string' },
      processes: { type: 'string' },
      throughput: { type: 'string' },
      catchup: { type: 'string' },
      invitees: { type: 'string' },
      'invite-samples': { type: 'string' },
      'startup-samples': { type: 'string' },
      'memory-participants': { type: 'string' },
      'memory-messages': { type: 'string' },
      'no-package': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) {
    process.stdout.write(BENCH_USAGE + '\n')
    process.exit(0)
  }
  const smoke = values.smoke === true
  return {
    smoke,
    only: new Set(list(values.only, [1, 2, 3, 4, 5, 6, 7, 8, 9])),
    warmup: smoke ? 2 : 30,
    latencySamples: int(values.samples, smoke ? 5 : 400),
    fanoutSizes: list(values.fanout, smoke ? [2, 3] : [2, 5, 10, 20, 50]),
    fanoutSamples: int(values['fanout-samples'], smoke ? 3 : 60),
    meshSizes: list(values.mesh, smoke ? [9] : [20, 50, 100]),
    processPeers: int(values.processes, smoke ? 2 : 5),
    throughputMessages: int(values.throughput, smoke ? 50 : 5000),
    catchupMessages: int(values.catchup, smoke ? 50 : 10_000),
    inviteSizes: list(values.invitees, smoke ? [1] : [1, 20]),
    inviteSamples: int(values['invite-samples'], smoke ? 1 : 8),
    startupSamples: int(values['startup-samples'], smoke ? 1 : 5),
    memoryParticipants: int(values['memory-participants'], smoke ? 3 : 20),
    memoryMessages: int(values['memory-messages'], smoke ? 50 : 10_000),
    packageVsix: values['no-package'] !== true && !smoke,
    out: values.out ?? 'bench-results.json',
    slowdown: 1
  }
}
