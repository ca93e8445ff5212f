import * as net from 'node:net'
import * as z from 'zod'
import type { Storage } from './storage'
import type { Logger } from './log'

/*
 * With port 0 in the settings every start would get a new port, and a peer that restarts while
 * its contacts are down cannot be found at any address they remember. So the first port the node
 * gets is written to the data folder and asked for again at the next start; only when another
 * program holds it does the node take a new one (and remember that instead).
 */

const FILE = 'listen-ports.json'
const fileSchema = z.object({
  version: z.literal(1),
  // configured listen address (with port 0) → the port it got last time
  ports: z.record(z.string().max(256), z.number().int().min(1).max(65535))
})

const TCP_ANY_PORT = /^\/ip([46])\/([^/]+)\/tcp\/0$/

/** The configured listen addresses with each TCP port 0 replaced by the port it got last time, when that port is free. */
export async function withRememberedPorts (storage: Storage, listen: string[], log: Logger): Promise<string[]> {
  const remembered = await readPorts(storage, log)
  return await Promise.all(listen.map(async addr => {
    const m = TCP_ANY_PORT.exec(addr)
    const port = remembered[addr]
    if (m == null || port == null) return addr
    if (await portIsFree(m[2], port)) return addr.replace(/\/tcp\/0$/, `/tcp/${port}`)
    log.info(`listen port ${port} is taken now; taking a new one for ${addr}`)
    return addr
  }))
}

/** Remembers the ports the node got for the configured port-0 addresses (from its listening multiaddrs). */
export async function rememberPorts (storage: Storage, listen: string[], listening: string[], log: Logger): Promise<void> {
  const ports: Record<string, number> = {}
  for (const addr of listen) {
    const m = TCP_ANY_PORT.exec(addr)
    if (m == null) continue
    const port = listeningPortFor(m[1], m[2], listening)
    if (port != null) ports[addr] = port
  }
  if (Object.keys(ports).length === 0) return
  const previous = await readPorts(storage, log)
  if (Object.entries(ports).every(([a, p]) => previous[a] === p)) return
  await storage.writeJson(FILE, { version: 1, ports: { ...previous, ...ports } })
}

/** The TCP port of the listening address that came from `/ipN/host/tcp/0` (0.0.0.0 and :: expand to every interface). */
function listeningPortFor (family: string, host: string, listening: string[]): number | undefined {
  const anyHost = host === '0.0.0.0' || host === '::'
  for (const addr of listening) {
    const m = /^\/ip([46])\/([^/]+)\/tcp\/(\d+)(\/p2p\/[^/]+)?$/.exec(addr)
    if (m == null || m[1] !== family || (!anyHost && m[2] !== host)) continue
    return Number(m[3])
  }
  return undefined
}

async function readPorts (storage: Storage, log: Logger): Promise<Record<string, number>> {
  try {
    return (await storage.readJson(FILE, v => fileSchema.parse(v)))?.ports ?? {}
  } catch (err: any) {
    // A damaged file costs only the remembered port: the node takes a new one.
    log.warn(`remembered listen ports unreadable: ${err?.message ?? err}`)
    return {}
  }
}

/** Whether `port` can be bound on `host` now (there is a short race with other programs; the node then fails over to a new port). */
export async function portIsFree (host: string, port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}
