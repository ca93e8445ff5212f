// Import cycles among the TypeScript files of a folder. Every relative import counts, `import type`
// and `export … from` too: a type-only cycle still ties two modules' designs together.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'

/** Every .ts file under `dir`, absolute paths. */
function sourceFiles (dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map(f => path.join(dir, f))
}

/** The file a relative specifier names, or undefined for a package or a file that is not there. */
function resolve (from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''))
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  return existsSync(base) && statSync(base).isFile() ? base : undefined
}

/** The import graph: each file with the files it imports. */
export function importGraph (dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(dir)) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    const targets = info.importedFiles.map(i => resolve(file, i.fileName)).filter((f): f is string => f != null)
    graph.set(file, [...new Set(targets)])
  }
  return graph
}

/**
 * The import cycles under `dir`: one per strongly connected group of files (Tarjan), each as a
 * path of files relative to `dir` that starts and ends with the same file. Empty when there are none.
 */
export function findImportCycles (dir: string): string[][] {
  const graph = importGraph(dir)
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  let next = 0
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const group: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      group.push(w)
    } while (w !== v)
    if (group.length > 1 || (graph.get(v) ?? []).includes(v)) groups.push(group)
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return groups.map(group => cycleThrough(graph, new Set(group)).map(f => path.relative(dir, f)))
}

/** One cycle inside a strongly connected group: a breadth-first path from its first file back to it. */
function cycleThrough (graph: Map<string, string[]>, group: Set<string>): string[] {
  const start = [...group].sort()[0]
  const cameFrom = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const v = queue.shift()!
    for (const w of graph.get(v) ?? []) {
      if (!group.has(w)) continue
      if (w === start) {
        const between: string[] = []
        for (let at: string | undefined = v; at != null && at !== start; at = cameFrom.get(at)) between.unshift(at)
        return [start, ...between, start]
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v)
        queue.push(w)
      }
    }
  }
  return [start]
}
