// "Starts in N min" reminders that withdraw themselves: each is a notification progress that ends
// when the conference starts (the chat opens then, or a start notification says so), is moved or
// cancelled, or this window closes. Plain notifications stayed on screen over the chat's message
// box long after the start, and VS Code offers no way to close one. No reminder for a conference
// the user has just created or accepted (reminder-gate.ts).
import type { ConferenceView } from '../../core/api'
import type { DevMeet } from '../../core/devmeet'
import { Disposable, toDisposable } from '../disposable'
import { reminderText } from '../notification-texts'
import { localized, showNoticeUntil } from '../user-messages'
import { ReminderGate } from './reminder-gate'

const MAX_TIMER_MS = 2 ** 31 - 1

export class ConferenceReminders extends Disposable {
  private readonly gate = new ReminderGate()
  private readonly withdraws = new Map<string, () => void>()

  constructor (private readonly devmeet: DevMeet, private readonly reminderMinutes: () => number, private readonly opensAutomatically: () => boolean) {
    super()
    const events = devmeet.events
    const baseline = (): void => { if (devmeet.status.state === 'running') this.gate.baseline(devmeet.conferences.list()) }
    baseline()
    this._register(toDisposable(events.on('status', baseline)))
    this._register(toDisposable(events.on('invitation', v => this.gate.observe(v, Date.now()))))
    this._register(toDisposable(events.on('conference:update', v => {
      this.gate.observe(v, Date.now())
      // moved or cancelled: this reminder no longer tells the truth
      if (this.withdraws.has(v.context.id)) this.withdraw(v.context.id)
    })))
    this._register(toDisposable(events.on('conference:reminder', v => this.remind(v))))
    this._register(toDisposable(events.on('conference:start', v => this.withdraw(v.context.id))))
    this._register(toDisposable(() => { for (const id of [...this.withdraws.keys()]) this.withdraw(id) }))
  }

  private remind (view: ConferenceView): void {
    const id = view.context.id
    const now = Date.now()
    if (!this.gate.shouldRemind(view, now, this.reminderMinutes()) || this.withdraws.has(id)) return
    let withdraw!: () => void
    const until = new Promise<void>(resolve => { withdraw = resolve })
    const timer = setTimeout(() => this.withdraw(id), Math.min(MAX_TIMER_MS, Math.max(0, view.context.start - now)))
    this.withdraws.set(id, () => { clearTimeout(timer); withdraw() })
    void showNoticeUntil(() => this.opensAutomatically() ? localized`${reminderText(view, Date.now())} The chat opens then.` : reminderText(view, Date.now()), until).then(() => this.withdraw(id))
  }

  private withdraw (id: string): void {
    const w = this.withdraws.get(id)
    if (w == null) return
    this.withdraws.delete(id)
    w()
  }
}
