export { resolveLogin, type ResolveLoginDeps, type ResolveLoginInput, type ResolveLoginResult } from './resolve-login.js';
export { linkUnionid, type LinkUnionidInput } from './link-unionid.js';
export { resolveUserId, getUserView, type UserView, type AppIdentityView, type PhoneView, type UnionIdentityView } from './resolve-user.js';
export { transactionWithRetries, isRetryableStoreError, type RetryOptions } from './retry-transaction.js';
export { createUserId } from './user-id.js';
