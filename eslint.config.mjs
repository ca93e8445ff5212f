// npm run lint: ESLint's and typescript-eslint's recommended rules (not the type-checked ones: they
// would type the whole program a second time after `npm run typecheck`), plus the project's layering
// rules from DESIGN.md as import restrictions.
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

const LIBP2P = ['libp2p', 'libp2p/*', '@libp2p/*', '@chainsafe/*', '@multiformats/*']

/** Imports that break "data flows one way; imports point down" from below the VS Code layer. */
const upwards = {
  group: ['**/vscode/*', '**/vscode/**', '**/cli/*', '**/extension'],
  message: 'src/core, src/shared and src/webview do not import from src/vscode, src/cli or src/extension.ts (imports point down; see DESIGN.md).'
}
const NODE_GLOBALS = Object.fromEntries([
  'process', 'Buffer', 'console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'URL',
  'require', 'module', 'exports', '__dirname', '__filename', 'performance', 'structuredClone'
].map(name => [name, 'readonly']))
const noVscode = { name: 'vscode', message: "Only src/vscode and src/extension.ts import 'vscode': the core runs in the headless peer too, the webview in a browser." }

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', '.cache/**', '.vscode-test/**', 'test-artifacts/**', 'media/**', '**/*.vsix']
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `catch (err: any)` and JSON read from peers, files and child processes are typed `any` on
      // purpose, then checked (zod schemas at the wire, explicit checks elsewhere).
      '@typescript-eslint/no-explicit-any': 'off',
      // `_`-prefixed names are the convention for a parameter an interface requires but this
      // implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `try { … } catch {}` marks an error deliberately ignored (a best-effort cleanup)
      'no-empty': ['error', { allowEmptyCatch: true }],
      // a `let` bound once, after a closure that reads it was handed out (node.ts's nodeRef)
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // shown`…` is a tagged template whose type is the test (test/unit/shown-text-types.test.ts)
      '@typescript-eslint/no-unused-expressions': ['error', { allowTaggedTemplates: true, allowShortCircuit: false, allowTernary: false }]
    }
  },
  {
    // TypeScript itself reports undefined names (typecheck runs in npm test)
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' }
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    // typescript-eslint's parser would declare the esnext library's types (Disposable, …) as globals,
    // which the bench's vscode stub defines itself
    languageOptions: { globals: NODE_GLOBALS, parserOptions: { lib: ['es2023'] } }
  },
  {
    // CommonJS: the build script and the benchmark's activation child
    files: ['esbuild.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // the core: no 'vscode', nothing from the layers above
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [noVscode], patterns: [upwards] }]
    }
  },
  {
    // the shared contract of the core and the webview: pure, so also no zod and no value from the core
    // (types only: a value would pull the core into the webview's browser bundle)
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noVscode, { name: 'zod', message: 'src/shared is the contract without zod (the webview bundle uses it).' }],
        patterns: [upwards, { group: ['**/core/*', '**/core/**'], allowTypeImports: true, message: 'src/shared takes only types from src/core.' }, { group: LIBP2P, message: 'src/shared does not touch libp2p.' }]
      }]
    }
  },
  {
    // the chat page's script, bundled for the browser
    files: ['src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noVscode, { name: 'zod', message: 'The webview bundle stays without zod (src/shared holds the limits).' }],
        patterns: [
          upwards,
          { group: ['**/core/*', '**/core/**'], allowTypeImports: true, message: 'The webview takes only types from src/core; shared rules live in src/shared.' },
          { group: LIBP2P, message: 'The webview does not touch libp2p.' },
          { group: ['node:*'], message: 'The webview runs in a browser.' }
        ]
      }]
    }
  },
  {
    // the VS Code layer never touches libp2p: it goes through the DevMeet facade (src/core)
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: LIBP2P, message: 'The UI never touches libp2p: use the DevMeet facade from src/core (see DESIGN.md).' }]
      }]
    }
  }
)
