import * as path from 'node:path'
import * as readline from 'node:readline'
import { DevMeet } from '../core/devmeet'
import { FileKeyStore } from '../core/identity'
import { lineLogger } from '../core/log'
import { parsePeerArgs, USAGE } from './args'
import { networkCommands, type PeerCommand } from './commands'
import { conferenceCommands, printConferenceEvents } from './conference-commands'
import { seriesCommands } from './series-commands'
import { chatCommands, printChatEvents } from './chat-commands'
import { messageCounts } from './message-counts'

const MAX_LINE = 1024 * 1024

function out (value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

/** Answers one JSON line; never throws. */
async function answer (devmeet: DevMeet, commands: Record<string, PeerCommand>, text: string): Promise<void> {
  let line: Record<string, unknown>
  try {
    if (text.length > MAX_LINE) throw new Error('line too long')
    const parsed = JSON.parse(text)
    if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('a command is a JSON object')
    line = parsed
  } catch (err: any) {
    out({ id: null, ok: false, error: `not a valid command line: ${err.message}` })
    return
  }
  const id = typeof line.id === 'number' || typeof line.id === 'string' ? line.id : null
  const cmd = typeof line.cmd === 'string' && Object.hasOwn(commands, line.cmd) ? commands[line.cmd] : undefined
  if (cmd == null) {
    out({ id, ok: false, error: `unknown command: ${String(line.cmd)}; known: ${Object.keys(commands).join(', ')}` })
    return
  }
  try {
    out({ id, ok: true, result: await cmd(devmeet, line) })
  } catch (err: any) {
    out({ id, ok: false, error: String(err?.message ?? err) })
  }
}

async function main (): Promise<void> {
  let args
  try {
    args = parsePeerArgs(process.argv.slice(2))
  } catch (err: any) {
    process.stderr.write(`${err.message}\n\n${USAGE}\n`)
    process.exit(2)
  }
  if (args === 'help') {
    process.stdout.write(USAGE + '\n')
    return
  }
  const log = lineLogger(l => process.stderr.write(l + '\n'), (process.env.DEVMEET_LOG as any) ?? 'warn')
  const devmeet = new DevMeet({
    dataDir: args.dataDir,
    keyStore: new FileKeyStore(path.join(args.dataDir, 'peer.key')),
    displayName: args.name,
    config: args.config,
    log
  })
  const commands: Record<string, PeerCommand> = { ...networkCommands, ...conferenceCommands, ...seriesCommands, ...chatCommands, ...messageCounts(devmeet) }

  devmeet.events.on('peer:connect', p => out({ event: 'peer:connect', peer: p }))
  devmeet.events.on('peer:disconnect', p => out({ event: 'peer:disconnect', peer: p }))
  devmeet.events.on('warning', message => out({ event: 'warning', message }))
  devmeet.events.on('storage', state => out({ event: 'storage', ...state }))
  printConferenceEvents(devmeet, out)
  // DEVMEET_PEER_MESSAGE_EVENTS=off: no line per chat message (a driver counting thousands uses waitReceived)
  printChatEvents(devmeet, process.env.DEVMEET_PEER_MESSAGE_EVENTS === 'off' ? v => { if ((v as { event?: string }).event !== 'message') out(v) } : out)

  await devmeet.start()
  const status = devmeet.status
  if (status.state !== 'running') {
    out({ event: 'error', status })
    process.exit(1)
  }
  out({ event: 'ready', peerId: status.peerId, addrs: status.addrs, name: devmeet.displayName, address: devmeet.address(), webrtc: status.webrtc.state })

  let stopping = false
  const shutdown = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await devmeet.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => { void shutdown() })
  process.on('SIGTERM', () => { void shutdown() })

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', text => {
    if (text.trim() === '') return
    void answer(devmeet, commands, text)
  })
  rl.on('close', () => { void shutdown() })
}

process.on('unhandledRejection', err => process.stderr.write(`unhandled rejection: ${String((err as any)?.stack ?? err)}\n`))
void main()
