// Where a shared code link may lead: only to a file that really is inside the workspace folder.
// The path in a code message is a peer's; a lexical check (no "..", not absolute) is not enough,
// because a symlink inside the workspace (`docs -> /etc`) leads out of it. No 'vscode' import.
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { resolveInWorkspace } from '../../shared/chat-messages'

/** True when `child` is `root` or lies below it (both already real, absolute paths). */
export function isInside (root: string, child: string): boolean {
  const rel = path.relative(root, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * The real path of `relative` inside the folder `folderPath`, or undefined when the path is
 * unusable, does not exist, or its real path (every symlink followed) is outside the folder's
 * real path.
 */
export async function realFileInWorkspace (folderPath: string, relative: string): Promise<string | undefined> {
  const lexical = resolveInWorkspace(folderPath, relative)
  if (lexical == null) return undefined
  try {
    const [root, target] = await Promise.all([fs.realpath(folderPath), fs.realpath(lexical)])
    return isInside(root, target) ? target : undefined
  } catch {
    return undefined
  }
}
