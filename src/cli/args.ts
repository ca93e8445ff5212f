import { parseArgs } from 'node:util'
import * as os from 'node:os'
import * as path from 'node:path'
import { defaultNetworkConfig, type NetworkConfig } from '../core/config'

export interface PeerArgs {
  dataDir: string
  name: string
  config: NetworkConfig
}

export const USAGE = `devmeet-peer: a headless DevMeet peer speaking JSON lines on stdin/stdout

Options:
  --data DIR           data folder (default ~/.devmeet-peer)
  --name NAME          display name (default: the OS user name)
  --listen MULTIADDR   listen address, repeatable (default /ip4/0.0.0.0/tcp/0)
  --bootstrap MULTIADDR  bootstrap peer, repeatable
  --no-mdns            do not use mDNS on the LAN
  --webrtc             enable the WebRTC transport (off by default headless)
  --relay              also serve as a circuit relay for other peers (no per-connection limit)
  --relay-limit-duration MS  end each relayed connection after MS milliseconds (with --relay)
  --relay-limit-data BYTES   end each relayed connection after BYTES bytes (with --relay)
  --stun URL           STUN/TURN server for WebRTC, repeatable (default: public STUN servers)
  --public-dht         also join the public Amino DHT
  --help               this text`

/** Parses the command line; throws with a message for bad options. */
export function parsePeerArgs (argv: string[]): PeerArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      name: { type: 'string' },
      listen: { type: 'string', multiple: true },
      bootstrap: { type: 'string', multiple: true },
      'no-mdns': { type: 'boolean' },
      webrtc: { type: 'boolean' },
      relay: { type: 'boolean' },
      'relay-limit-duration': { type: 'string' },
      'relay-limit-data': { type: 'string' },
      stun: { type: 'string', multiple: true },
      'public-dht': { type: 'boolean' },
      help: { type: 'boolean' }
    },
    strict: true
  })
  if (values.help === true) return 'help'
  const config = defaultNetworkConfig()
  config.listenAddresses = values.listen ?? ['/ip4/0.0.0.0/tcp/0']
  if (values.relay === true) config.listenAddresses = config.listenAddresses.filter(a => a !== '/p2p-circuit')
  config.mdns = values['no-mdns'] !== true
  config.bootstrapPeers = values.bootstrap ?? []
  config.webrtc = values.webrtc === true
  config.relayServer = values.relay === true
  config.publicDht = values['public-dht'] === true
  if (config.webrtc && !config.listenAddresses.includes('/webrtc')) config.listenAddresses.push('/webrtc')
  const durationMs = positiveInt(values['relay-limit-duration'], '--relay-limit-duration')
  const dataBytes = positiveInt(values['relay-limit-data'], '--relay-limit-data')
  if (durationMs != null || dataBytes != null) {
    if (!config.relayServer) throw new Error('--relay-limit-* needs --relay')
    config.relayLimit = { durationMs, dataBytes }
  }
  if (values.stun != null) config.iceServers = values.stun
  return {
    dataDir: path.resolve(values.data ?? path.join(os.homedir(), '.devmeet-peer')),
    name: values.name ?? os.userInfo().username,
    config
  }
}

function positiveInt (value: string | undefined, flag: string): number | undefined {
  if (value == null) return undefined
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} takes a positive whole number, not "${value}"`)
  return n
}
