// The side column (time, participants, agenda) folds away: by default on a narrow panel (a chat
// beside an editor is often ~500 px wide, and the messages need the room), by the "Details"
// button at any width. The choice is kept in the webview's state, so a reload keeps it.
import { pageText } from './page-text'

const NARROW = '(max-width: 640px)'

type PageState = Record<string, unknown>

/** Wires the toggle button; `getState`/`setState` are the webview's own. */
export function setUpSideToggle (doc: Document, getState: () => PageState, setState: (s: PageState) => void): void {
  const button = doc.getElementById('toggle-side')
  if (button == null) return
  const narrow = doc.defaultView?.matchMedia(NARROW)
  const chosen = (): boolean | undefined => {
    const v = getState().sideOpen
    return typeof v === 'boolean' ? v : undefined
  }
  const apply = (): void => {
    const open = chosen() ?? !(narrow?.matches ?? false)
    doc.body.classList.toggle('side-collapsed', !open)
    button.setAttribute('aria-expanded', String(open))
    button.textContent = open ? pageText('Hide details') : pageText('Details')
  }
  button.addEventListener('click', () => {
    setState({ ...getState(), sideOpen: doc.body.classList.contains('side-collapsed') })
    apply()
  })
  narrow?.addEventListener('change', () => {
    // crossing the width resets the choice: the default of the new width is what one expects
    const { sideOpen: _dropped, ...rest } = getState()
    setState(rest)
    apply()
  })
  apply()
}
