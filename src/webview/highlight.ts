// A small highlighter for shared code, coloured with the theme's own variables (media/chat.css):
// comments, strings, numbers and keywords of the common languages. Webviews get no access to
// the editor's grammars, and a full highlighter would multiply the page's script; this one
// never changes the text, it only splits it into spans (built with textContent).

export type TokenKind = 'plain' | 'comment' | 'string' | 'number' | 'keyword'

export interface Token { kind: TokenKind, text: string }

const C_LIKE = 'abstract as async await break case catch class const continue default defer delete do else enum export extends false final finally fn for func function go if impl implements import in instanceof interface let match mod mut new null package private protected public pub readonly return static struct super switch this throw throws trait true try type typeof undefined use var void where while with yield'
const PYTHON = 'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return self True try while with yield'
const SHELL = 'case do done elif else esac export fi for function if in local readonly return then until while'

interface Syntax { keywords: Set<string>, hashComments: boolean, slashComments: boolean }

function syntaxOf (languageId: string): Syntax {
  const id = languageId.toLowerCase()
  if (['python', 'py'].includes(id)) return { keywords: new Set(PYTHON.split(' ')), hashComments: true, slashComments: false }
  if (['shellscript', 'bash', 'sh', 'zsh', 'yaml', 'yml', 'toml', 'dockerfile', 'makefile', 'ruby', 'perl', 'r'].includes(id)) {
    return { keywords: new Set(SHELL.split(' ')), hashComments: true, slashComments: false }
  }
  return { keywords: new Set(C_LIKE.split(' ')), hashComments: false, slashComments: true }
}

const MAX_HIGHLIGHTED_CHARS = 20_000

/** Splits `code` into tokens whose texts join back to exactly `code`. */
export function tokenize (code: string, languageId = ''): Token[] {
  if (code.length > MAX_HIGHLIGHTED_CHARS) return [{ kind: 'plain', text: code }]
  const syntax = syntaxOf(languageId)
  const tokens: Token[] = []
  const push = (kind: TokenKind, text: string): void => {
    const last = tokens[tokens.length - 1]
    if (last?.kind === kind) last.text += text
    else tokens.push({ kind, text })
  }
  let i = 0
  while (i < code.length) {
    const rest = code.slice(i)
    const c = code[i]
    let m: RegExpExecArray | null
    if (syntax.slashComments && rest.startsWith('//')) m = /^\/\/[^\n]*/.exec(rest)
    else if (syntax.slashComments && rest.startsWith('/*')) m = /^\/\*[\s\S]*?(\*\/|$)/.exec(rest)
    else if (syntax.hashComments && c === '#') m = /^#[^\n]*/.exec(rest)
    else m = null
    if (m != null) { push('comment', m[0]); i += m[0].length; continue }
    if (c === '"' || c === "'" || c === '`') {
      // to the closing quote on the same line (backticks may span lines), escapes skipped
      const end = c === '`' ? /^`(?:\\[\s\S]|[^\\`])*`?/ : c === '"' ? /^"(?:\\.|[^\\"\n])*"?/ : /^'(?:\\.|[^\\'\n])*'?/
      const s = end.exec(rest)![0]
      push('string', s); i += s.length; continue
    }
    if ((m = /^\d[\w.]*/.exec(rest)) != null && !/\w/.test(code[i - 1] ?? '')) { push('number', m[0]); i += m[0].length; continue }
    if ((m = /^[A-Za-z_$][\w$]*/.exec(rest)) != null) {
      push(syntax.keywords.has(m[0]) ? 'keyword' : 'plain', m[0]); i += m[0].length; continue
    }
    push('plain', c)
    i++
  }
  return tokens
}

/** The code as spans with classes `tok-<kind>`; plain text stays a text node. */
export function highlighted (doc: Document, code: string, languageId = ''): DocumentFragment {
  const frag = doc.createDocumentFragment()
  for (const t of tokenize(code, languageId)) {
    if (t.kind === 'plain') {
      frag.appendChild(doc.createTextNode(t.text))
    } else {
      const span = doc.createElement('span')
      span.className = `tok-${t.kind}`
      span.textContent = t.text
      frag.appendChild(span)
    }
  }
  return frag
}
