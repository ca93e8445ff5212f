// A small multi-step input in the manner of VS Code's multi-step sample: each step is a function
// that shows one input and returns the next step; Back re-runs the previous step, and the state
// the steps collect lives in one object owned by the caller.
import * as vscode from 'vscode'
import type { ShownText } from '../../shared/shown-text'
import type { ShownPickItem } from '../user-messages'

export class InputFlowAction {
  static readonly back = new InputFlowAction()
  static readonly cancel = new InputFlowAction()
  private constructor () {}
}

export type InputStep = (input: MultiStepInput) => Promise<InputStep | undefined>

// Titles, prompts, placeholders and item texts may quote peer text (a conference title): ShownText only.
export interface StepTitle {
  title: ShownText
  step: number
  totalSteps: number
}

/** What an input box says about the current value: an error blocks accepting, a note only informs. */
export interface ValueCheck {
  error?: string
  note?: string
}

export interface InputBoxStep extends StepTitle {
  value?: string
  prompt: ShownText
  placeholder?: ShownText
  password?: boolean
  /** when set, an empty value is refused on Enter with this message */
  required?: string
  /** runs on every keystroke; keep it fast and pure */
  check?: (value: string) => ValueCheck
  /** runs on Enter, may be slow (the box shows busy); a string is an error and keeps the box open */
  onAccept?: (value: string) => Promise<string | undefined>
}

export interface QuickPickStep<T extends ShownPickItem> extends StepTitle {
  items: T[]
  selected?: T[]
  placeholder?: ShownText
  /** items that act rather than being chosen ("Paste an address…"): checking one ends the pick */
  isAction?: (item: T) => boolean
  /** an error shown when accepting this selection is not allowed */
  checkSelection?: (selected: T[]) => string | undefined
}

export type QuickPickOutcome<T> =
  | { kind: 'chosen', items: T[] }
  | { kind: 'action', item: T, selected: T[] }

export class MultiStepInput {
  private current: vscode.QuickInput | undefined
  private readonly steps: InputStep[] = []

  /** Runs the steps; resolves true when the last step finished, false when the user cancelled. */
  static async run (start: InputStep): Promise<boolean> {
    return await new MultiStepInput().stepThrough(start)
  }

  private async stepThrough (start: InputStep): Promise<boolean> {
    let step: InputStep | undefined = start
    while (step != null) {
      this.steps.push(step)
      if (this.current != null) {
        this.current.enabled = false
        this.current.busy = true
      }
      try {
        step = await step(this)
      } catch (err) {
        if (err === InputFlowAction.back) {
          this.steps.pop()
          step = this.steps.pop()
          // Back from the first step ends the flow.
          if (step == null) return this.close(false)
        } else if (err === InputFlowAction.cancel) {
          return this.close(false)
        } else {
          this.close(false)
          throw err
        }
      }
    }
    return this.close(true)
  }

  private close (result: boolean): boolean {
    this.current?.dispose()
    this.current = undefined
    return result
  }

  /** Shows an input box for one step. Rejects with InputFlowAction.back or .cancel. */
  async showInputBox (options: InputBoxStep): Promise<string> {
    const disposables: vscode.Disposable[] = []
    try {
      return await new Promise<string>((resolve, reject) => {
        const input = vscode.window.createInputBox()
        input.title = options.title
        input.step = options.step
        input.totalSteps = options.totalSteps
        input.value = options.value ?? ''
        input.prompt = options.prompt
        input.placeholder = options.placeholder
        input.password = options.password ?? false
        input.ignoreFocusOut = true
        input.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : []
        const show = (check: ValueCheck): void => {
          input.validationMessage = check.error == null ? undefined : { message: check.error, severity: vscode.InputBoxValidationSeverity.Error }
          input.prompt = check.note ?? options.prompt
        }
        const checkNow = (value: string): ValueCheck => options.check?.(value) ?? {}
        let accepting = false
        disposables.push(
          input.onDidTriggerButton(button => {
            if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back)
          }),
          input.onDidChangeValue(value => { show(checkNow(value)) }),
          input.onDidAccept(async () => {
            if (accepting) return
            const value = input.value
            const check = value.trim() === '' && options.required != null ? { error: options.required } : checkNow(value)
            show(check)
            if (check.error != null) return
            if (options.onAccept == null) return resolve(value)
            accepting = true
            input.enabled = false
            input.busy = true
            try {
              const error = await options.onAccept(value)
              if (error == null) return resolve(value)
              show({ error })
            } catch (err) {
              show({ error: String((err as Error)?.message ?? err) })
            } finally {
              accepting = false
              input.enabled = true
              input.busy = false
            }
          }),
          input.onDidHide(() => reject(InputFlowAction.cancel))
        )
        this.replaceCurrent(input)
        if (input.value !== '') show(checkNow(input.value))
      })
    } finally {
      for (const d of disposables) d.dispose()
    }
  }

  /** Shows a multi-select quick pick for one step. Rejects with InputFlowAction.back or .cancel. */
  async showQuickPick<T extends ShownPickItem> (options: QuickPickStep<T>): Promise<QuickPickOutcome<T>> {
    const disposables: vscode.Disposable[] = []
    try {
      return await new Promise<QuickPickOutcome<T>>((resolve, reject) => {
        const pick = vscode.window.createQuickPick<T & vscode.QuickPickItem>()
        pick.title = options.title
        pick.step = options.step
        pick.totalSteps = options.totalSteps
        pick.placeholder = options.placeholder
        pick.canSelectMany = true
        pick.ignoreFocusOut = true
        pick.matchOnDescription = true
        pick.items = options.items
        pick.selectedItems = options.selected ?? []
        pick.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : []
        const isAction = options.isAction ?? (() => false)
        disposables.push(
          pick.onDidTriggerButton(button => {
            if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back)
          }),
          pick.onDidChangeSelection(selection => {
            const action = selection.find(isAction)
            if (action != null) resolve({ kind: 'action', item: action, selected: selection.filter(i => !isAction(i)) })
            else pick.placeholder = options.placeholder
          }),
          pick.onDidAccept(() => {
            const chosen = pick.selectedItems.filter(i => !isAction(i))
            const error = options.checkSelection?.(chosen)
            if (error != null) {
              // A quick pick has no validation message; the placeholder says what is missing.
              pick.placeholder = error
              return
            }
            resolve({ kind: 'chosen', items: chosen })
          }),
          pick.onDidHide(() => reject(InputFlowAction.cancel))
        )
        this.replaceCurrent(pick)
      })
    } finally {
      for (const d of disposables) d.dispose()
    }
  }

  /** Shows a single-choice quick pick for one step: Enter on an item chooses it. Rejects with InputFlowAction.back or .cancel. */
  async showPickOne<T extends ShownPickItem> (options: StepTitle & { items: T[], active?: T, placeholder?: ShownText }): Promise<T> {
    const disposables: vscode.Disposable[] = []
    try {
      return await new Promise<T>((resolve, reject) => {
        const pick = vscode.window.createQuickPick<T & vscode.QuickPickItem>()
        pick.title = options.title
        pick.step = options.step
        pick.totalSteps = options.totalSteps
        pick.placeholder = options.placeholder
        pick.ignoreFocusOut = true
        pick.matchOnDescription = true
        pick.items = options.items
        if (options.active != null) pick.activeItems = [options.active]
        pick.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : []
        disposables.push(
          pick.onDidTriggerButton(button => {
            if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back)
          }),
          pick.onDidAccept(() => {
            const chosen = pick.selectedItems[0] ?? pick.activeItems[0]
            if (chosen != null) resolve(chosen)
          }),
          pick.onDidHide(() => reject(InputFlowAction.cancel))
        )
        this.replaceCurrent(pick)
      })
    } finally {
      for (const d of disposables) d.dispose()
    }
  }

  private replaceCurrent (input: vscode.QuickInput): void {
    const previous = this.current
    this.current = input
    input.show()
    previous?.dispose()
  }
}
