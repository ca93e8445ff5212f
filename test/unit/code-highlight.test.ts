import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { parseHTML } from 'linkedom'
import { tokenize, highlighted } from '../../src/webview/highlight'

const kinds = (code: string, lang: string): string[] => tokenize(code, lang).filter(t => t.kind !== 'plain').map(t => `${t.kind}:${t.text}`)

describe('shared code highlighting', () => {
  it('marks keywords, strings, numbers and comments of TypeScript', () => {
    assert.deepEqual(kinds('const x = "a // b" + 42 // done', 'typescript'), ['keyword:const', 'string:"a // b"', 'number:42', 'comment:// done'])
  })

  it('uses # comments and Python keywords for Python', () => {
    assert.deepEqual(kinds("def f(): return 'x' # note", 'python'), ['keyword:def', 'keyword:return', "string:'x'", 'comment:# note'])
  })

  it('never changes the text: the tokens join back to the input, whatever it is', () => {
    for (const code of ['/* open comment', '"unterminated\nnext', '`multi\nline`', 'a1 = b2 + 3.5e3', '<script>alert(1)</script>', '']) {
      assert.equal(tokenize(code, 'typescript').map(t => t.text).join(''), code)
    }
  })

  it('builds text nodes and spans only, so code cannot become markup', () => {
    const { document } = parseHTML('<!DOCTYPE html><html><body><pre id="out"></pre></body></html>')
    const out = document.getElementById('out')!
    out.appendChild(highlighted(document as unknown as Document, 'const s = "<img src=x onerror=alert(1)>"', 'javascript') as any)
    assert.equal(out.querySelectorAll('img').length, 0)
    assert.equal(out.textContent, 'const s = "<img src=x onerror=alert(1)>"')
    assert.deepEqual([...out.querySelectorAll('span')].map((s: any) => s.className), ['tok-keyword', 'tok-string'])
  })
})
