import type { PresenceEvent } from '../api'
import type { FloodControl } from './flood-control'
import type { ChatLink } from './link'
import type { LinkTable } from './link-table'
import { MeshPresence, OWN_SPACING_MS, PRESENCE_EVERY_MS, presenceEveryMs } from './mesh-presence'
import type { ChatEvents, EventBus } from './ports'
import type { ChatScope } from './scope'

const TYPING_SHOWN_MS = 6000
/** news from the mesh within this long is told to the UI once */
const TELL_AFTER_MS = 100

/**
 * Who is online and who is typing, per conference: the participants with a stream to us, and the
 * others by their signed announcements passed on across the mesh (mesh-presence.ts).
 */
export class Presence {
  private readonly mesh: MeshPresence
  /** per conference: whether I am typing, my latest announcement, and a pending one (spaced OWN_SPACING_MS apart) */
  private readonly mine = new Map<string, { typing: boolean, envelope?: string, pending?: ReturnType<typeof setTimeout> }>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** conferences whose news from the mesh is told to the UI once for a burst (a new link brings one per participant) */
  private readonly toTell = new Map<string, ReturnType<typeof setTimeout>>()
  private lastSweep = 0
  /** false once stopped: work that was awaiting a signature check when the node stopped ends there */
  private running = false

  constructor (
    private readonly scope: ChatScope,
    private readonly links: LinkTable,
    private readonly events: EventBus<ChatEvents>,
    private readonly flood: Pick<FloodControl, 'strike' | 'isCutOff'>
  ) {
    this.mesh = new MeshPresence({
      me: () => scope.me(),
      key: () => scope.components.key,
      now: () => scope.now(),
      participants: conferenceId => scope.components.membership.participants(conferenceId).length,
      // A participant cut off for flooding is not shown online through others either.
      mayChat: (conferenceId, peer) => scope.mayChat(conferenceId, peer) && !flood.isCutOff(peer)
    })
  }

  /** Says every few seconds that I am online, in every conference I have a stream in. */
  start (): void {
    this.running = true
    this.lastSweep = this.scope.now()
    this.timer = setInterval(() => { this.tick() }, PRESENCE_EVERY_MS)
    this.timer.unref?.()
  }

  stop (): void {
    this.running = false
    if (this.timer != null) clearInterval(this.timer)
    this.timer = undefined
    for (const m of this.mine.values()) if (m.pending != null) clearTimeout(m.pending)
    this.mine.clear()
    for (const t of this.toTell.values()) clearTimeout(t)
    this.toTell.clear()
  }

  /** The conference's participants online (with a stream to us, or by their word), and those of them typing. */
  of (conferenceId: string): PresenceEvent {
    const now = this.scope.now()
    const links = this.links.of(conferenceId)
    const me = this.scope.me()
    const linked = [...new Set(links.map(l => l.peer))]
    return {
      conferenceId,
      linked,
      online: [...new Set([...linked, ...this.mesh.online(conferenceId)])].filter(p => p !== me),
      typing: [...new Set([...links.filter(l => l.typingUntil > now).map(l => l.peer), ...this.mesh.typing(conferenceId)])].filter(p => p !== me)
    }
  }

  /** Tells the UI the conference's presence changed. */
  changed (conferenceId: string): void {
    // A stream that ends after the chat stopped says nothing: the node (and who I am) is gone.
    if (!this.running) return
    this.events.emit('presence', this.of(conferenceId))
  }

  /** Tells every participant with a stream, and through them everyone, whether I am typing. */
  setTyping (conferenceId: string, typing: boolean): void {
    for (const link of this.links.of(conferenceId)) link.sendControl({ t: 'typing', typing })
    this.state(conferenceId).typing = typing
    this.announce(conferenceId)
  }

  /** A participant says whether it is typing. */
  onTyping (link: ChatLink, typing: boolean): void {
    // Ephemeral and rate-limited: a repeat of the same state within a second is not news.
    const now = this.scope.now()
    const was = link.typingUntil > now
    if (was === typing && now - link.typingAt < 1000) return
    link.typingAt = now
    link.typingUntil = typing ? now + TYPING_SHOWN_MS : 0
    if (was !== typing) this.changed(link.conferenceId)
  }

  /** A new stream: it hears my latest word and that of everyone online I know of. */
  onLinkUp (link: ChatLink): void {
    const mine = this.state(link.conferenceId)
    if (mine.envelope == null) this.announce(link.conferenceId)
    else link.sendControl({ t: 'here', e: mine.envelope })
    for (const e of this.mesh.envelopes(link.conferenceId)) link.sendControl({ t: 'here', e })
  }

  /** A neighbour passed on an announcement: news goes on to my other neighbours; a bad one counts against the neighbour. */
  async onHere (link: ChatLink, envelope: string): Promise<void> {
    const { verdict, signer } = await this.mesh.take(link.peer, link.conferenceId, envelope)
    if (!this.running) return
    if (verdict === 'refused') this.flood.strike(link.peer)
    if (verdict !== 'new') return
    // As with messages: not back, nor to the signer, nor to one that says it is linked to the signer (it hears it directly).
    for (const l of this.links.perPeer(link.conferenceId)) {
      if (l.peer !== link.peer && l.peer !== signer && l.theirLinks?.has(signer!) !== true) l.sendControl({ t: 'here', e: envelope })
    }
    this.changedSoon(link.conferenceId)
  }

  /** Tells the UI of the mesh's news once for a burst. */
  private changedSoon (conferenceId: string): void {
    if (!this.running || this.toTell.has(conferenceId)) return
    const t = setTimeout(() => {
      this.toTell.delete(conferenceId)
      this.changed(conferenceId)
    }, TELL_AFTER_MS)
    t.unref?.()
    this.toTell.set(conferenceId, t)
  }

  /** Tells my neighbours I am leaving the conference (best effort: the others see it expire otherwise). */
  goodbye (conferenceId: string): void {
    const envelope = this.mesh.own(conferenceId, false, false)
    for (const l of this.links.perPeer(conferenceId)) l.sendControl({ t: 'here', e: envelope })
    const m = this.mine.get(conferenceId)
    if (m?.pending != null) clearTimeout(m.pending)
    this.mine.delete(conferenceId)
    this.mesh.forget(conferenceId)
  }

  /** Announces my state to my neighbours now, or once OWN_SPACING_MS has passed since the last. */
  private announce (conferenceId: string): void {
    if (!this.running) return
    const mine = this.state(conferenceId)
    if (mine.pending != null) return
    const wait = this.mesh.lastOwn(conferenceId) + OWN_SPACING_MS - this.scope.now()
    if (wait > 0) {
      mine.pending = setTimeout(() => {
        mine.pending = undefined
        this.announce(conferenceId)
      }, wait)
      mine.pending.unref?.()
      return
    }
    mine.envelope = this.mesh.own(conferenceId, true, mine.typing)
    for (const l of this.links.perPeer(conferenceId)) l.sendControl({ t: 'here', e: mine.envelope })
  }

  private tick (): void {
    const now = this.scope.now()
    const conferences = new Set(this.links.all().map(l => l.conferenceId))
    for (const conferenceId of conferences) {
      if (!this.scope.mayChat(conferenceId, this.scope.me())) continue
      // A large conference's round is a few ticks long (a tick's worth early is on time).
      const every = presenceEveryMs(this.scope.components.membership.participants(conferenceId).length)
      if (now - this.mesh.lastOwn(conferenceId) >= every - PRESENCE_EVERY_MS / 2) this.announce(conferenceId)
      if (this.mesh.sweep(conferenceId, this.lastSweep)) this.changed(conferenceId)
    }
    this.lastSweep = now
  }

  private state (conferenceId: string): { typing: boolean, envelope?: string, pending?: ReturnType<typeof setTimeout> } {
    let m = this.mine.get(conferenceId)
    if (m == null) this.mine.set(conferenceId, m = { typing: false })
    return m
  }
}
