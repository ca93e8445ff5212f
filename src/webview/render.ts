// Safe markdown for the chat page: markdown-it parses (raw HTML off), and this walks its tokens
// to DOM nodes from a fixed list of elements. Text only ever lands in textContent; links keep their
// target as data and open through the extension after the user confirms.
import MarkdownIt from 'markdown-it'
import { highlighted } from './highlight'
import { pageText } from './page-text'

const md = new MarkdownIt({ html: false, linkify: true, typographer: false })
md.disable(['image'])

type Token = ReturnType<typeof md.parse>[number]

const BLOCK_TAGS: Record<string, string> = {
  paragraph_open: 'p',
  bullet_list_open: 'ul',
  ordered_list_open: 'ol',
  list_item_open: 'li',
  blockquote_open: 'blockquote',
  heading_open: 'p',
  table_open: 'table',
  thead_open: 'thead',
  tbody_open: 'tbody',
  tr_open: 'tr',
  th_open: 'th',
  td_open: 'td'
}

const INLINE_TAGS: Record<string, string> = {
  strong_open: 'strong',
  em_open: 'em',
  s_open: 's'
}

/** Renders markdown into `doc` nodes; the caller appends them. */
export function renderMarkdown (doc: Document, text: string): DocumentFragment {
  const root = doc.createDocumentFragment()
  const stack: Node[] = [root]
  const top = (): Node => stack[stack.length - 1]
  for (const token of md.parse(text, {})) {
    if (token.type === 'inline') {
      renderInline(doc, top(), token.children ?? [])
    } else if (token.type === 'fence' || token.type === 'code_block') {
      top().appendChild(codeBlock(doc, token.content, token.info))
    } else if (token.type === 'hr') {
      top().appendChild(doc.createElement('hr'))
    } else if (token.nesting === 1) {
      const el = doc.createElement(BLOCK_TAGS[token.type] ?? 'div')
      if (token.type === 'heading_open') el.className = 'heading'
      top().appendChild(el)
      stack.push(el)
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop()
    } else if (token.content !== '') {
      top().appendChild(doc.createTextNode(token.content))
    }
  }
  return root
}

function renderInline (doc: Document, parent: Node, tokens: Token[]): void {
  const stack: Node[] = [parent]
  const top = (): Node => stack[stack.length - 1]
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
        top().appendChild(doc.createTextNode(t.content))
        break
      case 'code_inline': {
        const code = doc.createElement('code')
        code.textContent = t.content
        top().appendChild(code)
        break
      }
      case 'softbreak':
        top().appendChild(doc.createTextNode('\n'))
        break
      case 'hardbreak':
        top().appendChild(doc.createElement('br'))
        break
      case 'link_open': {
        const link = doc.createElement('span')
        const href = String(t.attrGet('href') ?? '')
        // Only web links become clickable; command:, file: and the like stay plain text.
        if (/^https?:\/\//i.test(href)) {
          link.className = 'link'
          link.setAttribute('role', 'link')
          link.setAttribute('tabindex', '0')
          link.dataset.href = href
          link.title = href
        }
        top().appendChild(link)
        stack.push(link)
        break
      }
      default:
        if (INLINE_TAGS[t.type] != null) {
          const el = doc.createElement(INLINE_TAGS[t.type])
          top().appendChild(el)
          stack.push(el)
        } else if (t.nesting === -1) {
          if (stack.length > 1) stack.pop()
        } else if (t.content !== '') {
          top().appendChild(doc.createTextNode(t.content))
        }
    }
  }
}

/**
 * A monospaced block with an optional header (a language, or `path:start-end` for shared code),
 * highlighted as `languageId` (the header's word for a fenced block).
 */
export function codeBlock (doc: Document, content: string, header?: string, languageId = header ?? ''): HTMLElement {
  const wrap = doc.createElement('div')
  wrap.className = 'code'
  if (header != null && header.trim() !== '') {
    const h = doc.createElement('div')
    h.className = 'code-header'
    h.textContent = header.trim()
    wrap.appendChild(h)
  }
  const pre = doc.createElement('pre')
  const code = doc.createElement('code')
  code.appendChild(highlighted(doc, content, languageId))
  pre.appendChild(code)
  wrap.appendChild(pre)
  return wrap
}

/** The note under a message whose author signed two versions of it (the one shown is the one every participant keeps). */
export function equivocationNote (doc: Document): HTMLElement {
  const note = doc.createElement('div')
  note.className = 'equivocated'
  note.setAttribute('role', 'note')
  note.textContent = pageText('⚠ This author sent two different versions of this message; every participant sees this one.')
  return note
}
