import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { mdns } from '@libp2p/mdns'
import { bootstrap } from '@libp2p/bootstrap'
import { kadDHT, removePrivateAddressesMapper, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { circuitRelayTransport, circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { ConnectionGater, PrivateKey, ServiceMap } from '@libp2p/interface'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import { AGENT_NAME, DEVMEET_VERSION, type NetworkConfig } from './config'
import { SUPER_PEER_MAX_CIRCUITS, SUPER_PEER_RELAY } from './relay/policy'

/** DevMeet's own DHT: peers find each other by peer ID without joining the public network. */
export const PRIVATE_DHT_PROTOCOL = '/devmeet/kad/1.0.0'

export interface DevMeetServices extends ServiceMap {
  identify: Identify
  ping: Ping
  dht: KadDHT
  /** serves only while we are a super peer (src/core/relay), or always with `--relay` */
  relay: CircuitRelayService
}

export type DevMeetLibp2p = Libp2p<DevMeetServices>

export interface CreateNodeOptions {
  privateKey: PrivateKey
  config: NetworkConfig
  /** Tests use a gater to cut links between chosen peers. */
  connectionGater?: ConnectionGater
}

/** Connections one peer may hold with us at once (simultaneous dials, relayed plus direct, a reconnect before the old one closed). */
export const MAX_CONNECTIONS_PER_PEER = 8
/** Streams one connection may have open towards us, across protocols (libp2p's default is 1,000). */
export const MAX_INBOUND_STREAMS_PER_CONNECTION = 256

/**
 * DHT peers libp2p keeps connected (tags keep-alive and redials at once). kad-dht keeps its 20
 * closest, and those that count us among theirs dial us too: 43-47 connections per participant of
 * a 50-person conference, against a mesh of about 6 chat links. Two still keep a small team's
 * peers connected; the routing table keeps every peer it knows (and its addresses) either way, so
 * finding a peer by ID dials the ones it needs. kad-dht 16 has no option for it (see keepFewDhtPeersAlive).
 */
export const DHT_PEERS_KEPT_ALIVE = 2

/** Builds (does not start) the libp2p node with DevMeet's transports, limits and services. */
export async function createNode (opts: CreateNodeOptions): Promise<DevMeetLibp2p> {
  const { config } = opts
  const transports: any[] = [tcp(), circuitRelayTransport()]
  let listen = config.listenAddresses
  if (config.bootstrapPeers.length === 0 && !config.relayServer) {
    // A relay search starts from peers we know; with no bootstrap peer there is none to start from.
    listen = listen.filter(a => a !== '/p2p-circuit')
  }
  if (config.webrtc) {
    // Loaded only when enabled: it pulls in a native module.
    const { webRTC } = await import('@libp2p/webrtc')
    transports.push(webRTC(config.iceServers != null ? { rtcConfiguration: { iceServers: config.iceServers.map(urls => ({ urls })) } } : {}))
  } else {
    listen = listen.filter(a => !a.includes('/webrtc'))
  }

  const services: Record<string, any> = {
    identify: identify(),
    // Tells connected peers at once when our protocols or addresses change (a relay offer, a new slot).
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: PRIVATE_DHT_PROTOCOL,
      clientMode: false,
      // Teams meet on LANs and one machine: keep private and loopback addresses (the default mapper drops them).
      peerInfoMapper: passthroughMapper,
      logPrefix: 'libp2p:dht-devmeet',
      datastorePrefix: '/dht-devmeet',
      metricsPrefix: 'libp2p_dht_devmeet',
      // With zero peers a query must wait for one: answering at once made libp2p's random walk (the
      // relay search behind `/p2p-circuit`) spin and starve the event loop, so start() never returned.
      allowQueryWithZeroPeers: false
    })
  }
  if (config.publicDht) {
    services.aminoDht = kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      peerInfoMapper: removePrivateAddressesMapper,
      logPrefix: 'libp2p:dht-amino',
      datastorePrefix: '/dht-amino',
      metricsPrefix: 'libp2p_dht_amino'
    })
  }
  if (config.relayServer) {
    const limit = config.relayLimit
    services.relay = circuitRelayServer({
      reservations: {
        maxReservations: 128,
        // See NetworkConfig.relayLimit: without limits the relay carries DevMeet's protocols too.
        applyDefaultLimit: limit != null,
        ...(limit?.durationMs != null ? { defaultDurationLimit: limit.durationMs } : {}),
        ...(limit?.dataBytes != null ? { defaultDataLimit: BigInt(limit.dataBytes) } : {})
      }
    })
  } else {
    // Every node can become a super peer; the gater (relay/policy.ts) refuses all until it serves.
    services.relay = circuitRelayServer({ reservations: { ...SUPER_PEER_RELAY }, maxOutboundStopStreams: SUPER_PEER_MAX_CIRCUITS })
  }

  const peerDiscovery: any[] = []
  if (config.mdns) peerDiscovery.push(mdns({ interval: 10_000 }))
  if (config.bootstrapPeers.length > 0) peerDiscovery.push(bootstrap({ list: config.bootstrapPeers }))

  let nodeRef: Libp2p | undefined
  const node = await createLibp2p({
    privateKey: opts.privateKey,
    start: false,
    addresses: { listen },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux({
      // Bounded buffers: a peer that never reads must not make us hold unbounded data.
      maxMessageSize: 64 * 1024,
      maxInboundStreams: MAX_INBOUND_STREAMS_PER_CONNECTION
    } as any)],
    peerDiscovery,
    services: services as any,
    nodeInfo: {
      name: AGENT_NAME,
      version: DEVMEET_VERSION,
      userAgent: `${AGENT_NAME}/${DEVMEET_VERSION}`
    },
    connectionGater: limitConnectionsPerPeer(opts.connectionGater ?? {
      // Loopback and private addresses are how peers on one machine or LAN meet.
      denyDialMultiaddr: () => false
    }, () => nodeRef),
    connectionManager: {
      maxConnections: 300,
      maxIncomingPendingConnections: 10,
      inboundConnectionThreshold: 20,
      maxDialQueueLength: 500
    },
    connectionMonitor: {
      // The extension host is shared: a busy event loop must not cost us connections.
      abortConnectionOnPingFailure: false
    }
  })
  nodeRef = node
  // Should an upgrade move the size, libp2p's default stays (the unit test says so first).
  keepFewDhtPeersAlive(node.services.dht)
  return node as unknown as DevMeetLibp2p
}

/**
 * Sets the size of the DHT's kept-alive closest peer set (read when the DHT starts). kad-dht 16.4
 * takes the size in its routing table but not from kadDHT()'s options; a test fails if an upgrade
 * moves it (test/integration/dht-kept-alive.test.ts).
 */
export function keepFewDhtPeersAlive (dht: unknown, size = DHT_PEERS_KEPT_ALIVE): boolean {
  const tagger = (dht as any)?.routingTable?.closestPeerTagger
  if (tagger == null || typeof tagger.peerSetSize !== 'number') return false
  tagger.peerSetSize = size
  return true
}

/** libp2p caps connections in total and per host per second, not per peer: one peer opening many is refused past the cap. */
function limitConnectionsPerPeer (gater: ConnectionGater, node: () => Libp2p | undefined): ConnectionGater {
  return {
    ...gater,
    denyInboundUpgradedConnection: async (peer, maConn) => {
      if ((node()?.getConnections(peer).length ?? 0) >= MAX_CONNECTIONS_PER_PEER) return true
      return await (gater.denyInboundUpgradedConnection?.(peer, maConn) ?? false)
    }
  }
}
