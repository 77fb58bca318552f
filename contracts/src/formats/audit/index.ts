// Audit-log wire formats and verifiers: pure functions over bytes, for Node and browser workers.
export * from './entry'
export * from './hash'
export * from './merkle'
export * from './note'
export * from './bundle'
export * from './entry-proof'
export * from './filter'
export * from './replay'
