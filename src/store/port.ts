/** The storage port, split by concern (port/): each consumer imports the sub-store it uses. */
export * from './port/data-store.js';
export * from './port/flow-store.js';
export * from './port/identity-store.js';
export * from './port/job-store.js';
export * from './port/profile-store.js';
export * from './port/session-store.js';
export * from './port/store-errors.js';
export type { WeunionStore } from './port/weunion-store.js';
export * from './port/admin-store.js';
export * from './port/health-store.js';
export * from './port/webhook-store.js';
export * from './port/signing-key-store.js';
