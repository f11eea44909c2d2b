export { createIdentityService, type IdentityService, type IdentityServiceDeps } from './identity-service.js';
export { resolveLogin, type ResolveLoginDeps, type ResolveLoginInput, type ResolveLoginResult, type ResolveOptions } from './resolve-login.js';
export { resolveUserId, getUserView, type UserView, type AppIdentityView, type PhoneView, type UnionIdentityView } from './resolve-user.js';
export { transactionWithRetries, isRetryableStoreError, type RetryOptions } from './retry-transaction.js';
export { createUserId } from './user-id.js';
export { resolveInTx, type TxContext } from './resolve-in-tx.js';
