// A bare libp2p node in its own process (the process scenarios' baseline), spoken to in JSON lines
// like a headless peer. Prints {event:'ready', addr}, then {event:'frame', n} per frame received
// (until 'quiet'). Commands: open {addr}; send {addr, size, count} (count frames of size bytes,
// one write at a time); wait {count} (answers once `count` frames arrived in all); quiet.
// processes.ts bundles it once per run, so it runs as dist/peer.js does: plain node, one file.
import * as readline from 'node:readline'
import { BareNode } from './bare'

const out = (v: unknown): void => { process.stdout.write(JSON.stringify(v) + '\n') }

async function main (): Promise<void> {
  const node = await BareNode.start()
  let frames = 0
  let quiet = false
  let waiters: Array<{ count: number, answer: () => void }> = []
  node.onFrame = () => {
    frames++
    if (!quiet) out({ event: 'frame', n: frames })
    if (waiters.length > 0) waiters = waiters.filter(w => frames < w.count || (w.answer(), false))
  }

  const answer = async (line: any): Promise<unknown> => {
    switch (line.cmd) {
      case 'open': await node.open(String(line.addr)); return true
      case 'send': {
        const lp = await node.open(String(line.addr))
        const frame = new Uint8Array(Math.min(64 * 1024, Number(line.size) || 1024)).fill(120)
        const count = Math.max(1, Math.min(10_000_000, Number(line.count) || 1))
        for (let i = 0; i < count; i++) await lp.write(frame)
        return count
      }
      case 'wait': return await new Promise<number>(resolve => {
        const count = Number(line.count)
        if (frames >= count) resolve(frames)
        else waiters.push({ count, answer: () => resolve(frames) })
      })
      case 'quiet': quiet = true; return true
      default: throw new Error(`unknown command: ${String(line.cmd)}`)
    }
  }

  out({ event: 'ready', addr: node.addr, peerId: node.peerId })
  const stop = (): void => { void node.stop().finally(() => process.exit(0)) }
  process.on('SIGTERM', stop)
  readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
    .on('line', text => {
      let line: any
      try { line = JSON.parse(text) } catch { return }
      answer(line).then(result => out({ id: line.id, ok: true, result }), err => out({ id: line.id, ok: false, error: String(err?.message ?? err) }))
    })
    .on('close', stop)
}

void main()
