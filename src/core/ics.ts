// Moved to src/shared/ics.ts (the extension exports .ics files); re-exported for the core.
export * from '../shared/ics'
