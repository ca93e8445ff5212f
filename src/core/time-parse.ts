// Moved to src/shared (the extension and the chat page use them too); re-exported for the core.
export * from '../shared/time'
export * from '../shared/start-time'
