// Search in the conference's history: over the messages already on the page (the whole history
// is there after 'init'), case-insensitive, with next and previous. Highlighting splits text nodes
// and wraps the hits in <mark> elements made with createElement and textContent: message text is
// never written as HTML. A hit spanning two text nodes (e.g. across bold and plain text) is not
// found: the rule matches within one run of text, as the pure matcher in src/shared does.
import { findMatches, normalizeQuery, stepMatch } from '../shared/search-match'
import { pageText } from './page-text'

const MAX_HITS = 2000
/** NodeFilter.SHOW_TEXT, written out so that the module also runs in tests without a browser global. */
const SHOW_TEXT = 4

export class HistorySearch {
  private hits: HTMLElement[] = []
  private current = -1
  private query = ''

  constructor (private readonly doc: Document, private readonly list: HTMLElement, private readonly input: HTMLInputElement, private readonly counter: HTMLElement) {
    input.addEventListener('input', () => this.run(true))
    input.addEventListener('keydown', e => {
      if (e.key === 'Enter') { e.preventDefault(); this.step(e.shiftKey ? -1 : 1) }
      if (e.key === 'Escape') { input.value = ''; this.run(false) }
    })
    doc.getElementById('search-next')?.addEventListener('click', () => this.step(1))
    doc.getElementById('search-prev')?.addEventListener('click', () => this.step(-1))
    // Ctrl+F (Cmd+F) in the page goes to the box, as in an editor.
    doc.addEventListener('keydown', e => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
        e.preventDefault()
        input.focus()
        input.select()
      }
    })
  }

  /** Highlights anew (after messages changed), keeping the position when it can. */
  refresh (): void {
    if (this.query !== '') this.run(false)
  }

  private run (jump: boolean): void {
    this.clear()
    this.query = normalizeQuery(this.input.value)
    if (this.query === '') { this.counter.textContent = ''; return }
    for (const body of this.list.querySelectorAll<HTMLElement>('.message .body')) {
      if (this.hits.length >= MAX_HITS) break
      this.highlightIn(body)
    }
    this.current = this.hits.length > 0 ? Math.min(Math.max(this.current, 0), this.hits.length - 1) : -1
    if (jump && this.hits.length > 0) this.current = this.hits.length - 1
    this.show()
  }

  private step (direction: 1 | -1): void {
    if (normalizeQuery(this.input.value) !== this.query) this.run(false)
    this.current = stepMatch(this.current, this.hits.length, direction)
    this.show()
  }

  private show (): void {
    for (const h of this.hits) h.classList.remove('current')
    const hit = this.hits[this.current]
    hit?.classList.add('current')
    hit?.scrollIntoView?.({ block: 'center' })
    this.counter.textContent = this.hits.length === 0 ? pageText('No results') : pageText('{0} of {1}', this.current + 1, this.hits.length)
  }

  private highlightIn (root: HTMLElement): void {
    const walker = this.doc.createTreeWalker(root, SHOW_TEXT)
    const nodes: Text[] = []
    for (let n = walker.nextNode(); n != null; n = walker.nextNode()) {
      // the page's own controls inside a message ("Show more") are not its text
      if ((n as Text).parentElement?.closest('button') == null) nodes.push(n as Text)
    }
    for (const node of nodes) {
      const text = node.data
      const ranges = findMatches(text, this.query, MAX_HITS - this.hits.length)
      if (ranges.length === 0) continue
      const parts = this.doc.createDocumentFragment()
      let at = 0
      for (const r of ranges) {
        if (r.start > at) parts.append(this.doc.createTextNode(text.slice(at, r.start)))
        const mark = this.doc.createElement('mark')
        mark.className = 'search-hit'
        mark.textContent = text.slice(r.start, r.end)
        parts.append(mark)
        this.hits.push(mark)
        at = r.end
      }
      if (at < text.length) parts.append(this.doc.createTextNode(text.slice(at)))
      node.replaceWith(parts)
    }
  }

  private clear (): void {
    for (const mark of this.list.querySelectorAll('mark.search-hit')) {
      const parent = mark.parentNode
      mark.replaceWith(this.doc.createTextNode(mark.textContent ?? ''))
      parent?.normalize()
    }
    this.hits = []
  }
}
