/** Rejects when `promise` has not settled within `ms`: "<what> did not answer within N s". No 'vscode' import. */
export function withTimeout<T> (promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)
    promise.then(v => { clearTimeout(timer); resolve(v) }, err => { clearTimeout(timer); reject(err) })
  })
}
