// Finds every message the extension translates at run time, with the key it is looked up by:
// - `localized` templates: the literal parts joined with {0}, {1}… where the parts go, exactly as
//   localizedTag (src/shared/shown-text.ts) builds the key it hands to the translator;
// - `vscode.l10n.t('…')` and `documentText('…', …)` calls: the string literal itself;
// - the chat page's PAGE_TEXTS list (src/shared/page-text.ts), each entry a key.
// @vscode/l10n-dev does not know our tag, so this reads the sources with the TypeScript compiler.
import * as fs from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'

/** A message key and the places (file:line) it is written. */
export interface L10nKey {
  readonly key: string
  readonly at: string[]
}

/** Calls whose first argument, a string literal, is a message key. */
const KEY_CALLS = new Set(['l10n.t', 'documentText'])

/** The list of the chat page's messages. */
const PAGE_LIST = 'PAGE_TEXTS'

/** The modules that hand keys on to vscode.l10n.t: their calls take the key as a variable. */
const TRANSLATORS = new Set(['src/vscode/user-messages.ts'])

function calleeName (expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text
  if (ts.isPropertyAccessExpression(expr)) {
    const left = calleeName(expr.expression)
    return left == null ? expr.name.text : `${left}.${expr.name.text}`
  }
  return undefined
}

/** The key localizedTag builds from a template: literal parts with {i} between them. */
export function templateKey (template: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text
  return template.templateSpans.reduce((key, span, i) => `${key}{${i}}${span.literal.text}`, template.head.text)
}

/** The keys in one source text; `problems` gets the calls whose key is not a literal. */
export function keysInSource (fileName: string, text: string, problems: string[] = []): Array<{ key: string, at: string }> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: Array<{ key: string, at: string }> = []
  const where = (node: ts.Node): string => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'localized') {
      found.push({ key: templateKey(node.template), at: where(node) })
    } else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === PAGE_LIST && node.initializer != null) {
      // The chat page's messages: a list the extension translates for the page (src/shared/page-text.ts).
      let list: ts.Expression = node.initializer
      while (ts.isAsExpression(list) || ts.isParenthesizedExpression(list)) list = list.expression
      if (ts.isArrayLiteralExpression(list)) {
        for (const element of list.elements) {
          if (ts.isStringLiteral(element) || ts.isNoSubstitutionTemplateLiteral(element)) found.push({ key: element.text, at: where(element) })
          else problems.push(`${where(element)}: ${PAGE_LIST} holds only string literals`)
        }
      }
    } else if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression)
      if (name != null && [...KEY_CALLS].some(c => name === c || name.endsWith(`.${c}`))) {
        const first = node.arguments[0]
        if (first != null && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) found.push({ key: first.text, at: where(node) })
        else if (!TRANSLATORS.has(fileName)) problems.push(`${where(node)}: ${name} needs a string literal, so that its key can be exported`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

function tsFiles (dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const full = path.join(dir, e.name)
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : []
  })
}

/** Every key under `folders` (relative to `root`), sorted, with where each is written. */
export function collectL10nKeys (root: string, folders: readonly string[] = ['src']): { keys: L10nKey[], problems: string[] } {
  const byKey = new Map<string, string[]>()
  const problems: string[] = []
  for (const folder of folders) {
    for (const file of tsFiles(path.join(root, folder))) {
      const rel = path.relative(root, file).split(path.sep).join('/')
      // The tag's own definitions are not messages.
      if (rel === 'src/shared/shown-text.ts') continue
      for (const { key, at } of keysInSource(rel, fs.readFileSync(file, 'utf8'), problems)) {
        byKey.set(key, [...(byKey.get(key) ?? []), at])
      }
    }
  }
  const keys = [...byKey].map(([key, at]) => ({ key, at })).sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  return { keys, problems }
}

/** The bundle VS Code reads for the source language: each key maps to itself. */
export function bundleOf (keys: readonly L10nKey[]): Record<string, string> {
  return Object.fromEntries(keys.map(k => [k.key, k.key]))
}

export const BUNDLE_PATH = 'l10n/bundle.l10n.json'
