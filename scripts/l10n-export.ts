// Writes l10n/bundle.l10n.json: every message the extension translates at run time (the `localized`
// templates, vscode.l10n.t and documentText calls, the chat page's list), keyed as the translator is
// asked for it.
// A translation is a copy of it named bundle.l10n.<locale>.json with the values translated.
// Usage: npm run l10n:export (add --check to only compare, exit 1 when the bundle is out of date)
import * as fs from 'node:fs'
import * as path from 'node:path'
import { BUNDLE_PATH, bundleOf, collectL10nKeys } from './lib/l10n-keys'

const root = path.resolve(import.meta.dirname, '..')
const { keys, problems } = collectL10nKeys(root)
for (const p of problems) console.error(p)
const text = JSON.stringify(bundleOf(keys), null, 2) + '\n'
const file = path.join(root, BUNDLE_PATH)

if (process.argv.includes('--check')) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
  const upToDate = current === text
  console.log(upToDate ? `${BUNDLE_PATH} is up to date (${keys.length} messages)` : `${BUNDLE_PATH} is out of date: run npm run l10n:export`)
  process.exitCode = upToDate && problems.length === 0 ? 0 : 1
} else {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  console.log(`wrote ${BUNDLE_PATH}: ${keys.length} messages`)
  process.exitCode = problems.length === 0 ? 0 : 1
}
