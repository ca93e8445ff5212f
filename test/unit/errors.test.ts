import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import * as errors from '../../src/core/errors'
import { ConferenceInputError, ConferenceTooLargeError, DamagedFileError, NodeNotRunningError, StorageWriteError, isError } from '../../src/core/errors'

describe('errors', () => {
  it('gives every error class a static name equal to its instances\' name and its export name', () => {
    for (const [exported, value] of Object.entries(errors)) {
      if (typeof value !== 'function' || exported === 'isError') continue
      const ErrorClass = value as unknown as new (...args: any[]) => Error
      assert.equal(ErrorClass.name, exported)
      const err = new ErrorClass('x', undefined, undefined)
      assert.equal(err.name, exported, `${exported} instance`)
      assert.ok(err instanceof Error)
    }
  })

  it('recognizes an error by name, also one that is not an instance of the class here', () => {
    const fromAnotherBundle = Object.assign(new Error('the DevMeet node is not running'), { name: 'NodeNotRunningError' })
    assert.ok(isError(fromAnotherBundle, NodeNotRunningError))
    assert.ok(!isError(new Error('the DevMeet node is not running'), NodeNotRunningError))
    assert.ok(!isError(undefined, NodeNotRunningError))
    assert.ok(isError(new ConferenceTooLargeError('too large'), ConferenceTooLargeError))
    assert.ok(new ConferenceTooLargeError('too large') instanceof ConferenceInputError, 'too large is still an input error for instanceof')
  })

  it('keeps the messages users see', () => {
    assert.equal(new NodeNotRunningError().message, 'the DevMeet node is not running')
    assert.equal(new StorageWriteError('contacts.json', Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS', syscall: 'open' })).message,
      'cannot write contacts.json in the DevMeet data folder: EROFS: read-only file system')
    assert.equal(new DamagedFileError('/d/contacts.json', '/d/contacts.json.damaged-1', new Error('bad')).message, 'contacts.json was damaged and was moved aside to contacts.json.damaged-1')
  })
})
