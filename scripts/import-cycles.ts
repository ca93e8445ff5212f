// Prints the import cycles under a folder (default src) and exits 1 when there are any.
// Usage: node --import tsx scripts/import-cycles.ts [folder]
import * as path from 'node:path'
import { findImportCycles } from './lib/import-cycles'

const dir = path.resolve(process.argv[2] ?? 'src')
const cycles = findImportCycles(dir)
for (const cycle of cycles) console.log(`cycle: ${cycle.join(' -> ')}`)
console.log(cycles.length === 0 ? `no import cycles in ${path.relative(process.cwd(), dir) || '.'}` : `${cycles.length} import cycle(s)`)
process.exitCode = cycles.length === 0 ? 0 : 1
