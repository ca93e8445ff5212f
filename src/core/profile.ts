import * as z from 'zod'
import type { Connection, Stream } from '@libp2p/interface'
import type { DevMeetLibp2p } from './node'
import { frameStream, resetStream } from './wire/framing'
import { sanitizeDisplayName } from './identity'
import type { Logger } from './log'
import { RELAY_OFFER_PROTOCOL } from './relay/reservations'

/** Tells a connected peer our display name. Its presence in identify marks a DevMeet peer. */
export const PROFILE_PROTOCOL = '/devmeet/profile/1.0.0'

const MAX_PROFILE_BYTES = 2048

const profileSchema = z.object({ name: z.string().max(1024), now: z.number().finite().optional(), relay: z.boolean().optional() })

/** A peer's profile, and how far its clock is ahead of ours (negative: behind), when it said. */
export interface PeerProfile {
  name: string
  clockSkewMs?: number
  /** it serves as a relay for its conference peers and chosen contacts (a dynamic super peer) */
  relay?: boolean
}

export class ProfileProtocol {
  constructor (
    private readonly node: DevMeetLibp2p,
    private readonly getName: () => string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now
  ) {}

  async start (): Promise<void> {
    await this.node.handle(PROFILE_PROTOCOL, (stream: Stream) => this.serve(stream), {
      maxInboundStreams: 2,
      maxOutboundStreams: 2,
      runOnLimitedConnection: true
    })
  }

  private async serve (stream: Stream): Promise<void> {
    try {
      const frames = frameStream(stream, MAX_PROFILE_BYTES)
      // A super peer registers its relay offer while it serves (src/core/relay): the profile says so too.
      const relay = this.node.getProtocols().includes(RELAY_OFFER_PROTOCOL)
      await frames.write({ name: this.getName(), now: this.now(), ...(relay ? { relay } : {}) })
      await stream.close()
    } catch (err) {
      resetStream(stream, err)
    }
  }

  /**
   * Asks a peer for its display name and the time on its clock; undefined when it does not speak
   * the protocol. The skew is its time minus ours at the middle of the round trip.
   */
  async fetch (connection: Connection): Promise<PeerProfile | undefined> {
    let stream: Stream | undefined
    const asked = this.now()
    try {
      stream = await connection.newStream(PROFILE_PROTOCOL, { signal: AbortSignal.timeout(10_000), runOnLimitedConnection: true })
      const frames = frameStream(stream, MAX_PROFILE_BYTES)
      const profile = await frames.read(profileSchema)
      const answered = this.now()
      await stream.close().catch(() => {})
      const name = sanitizeDisplayName(profile.name)
      const relay = profile.relay === true ? { relay: true } : {}
      return profile.now == null ? { name, ...relay } : { name, clockSkewMs: profile.now - (asked + answered) / 2, ...relay }
    } catch (err: any) {
      this.log.debug(`profile from ${connection.remotePeer.toString()} failed: ${err?.message ?? err}`)
      if (stream != null) resetStream(stream, err)
      return undefined
    }
  }
}
