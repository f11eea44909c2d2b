/** Inside an admin transaction: the live user an id resolves to, locked, refused when erased. */
import { AppError } from '../../errors.js';
import { type AdminReads, type AdminTx, type AdminUserRow, RetryableTransactionError } from '../../store/port.js';

/** The row `id` resolves to through merges (an erased tombstone included), or undefined for an id never issued. */
export async function resolveAdminUser(
  store: Pick<AdminReads, 'findAdminUser'>,
  id: string,
): Promise<{ user: AdminUserRow; mergedFrom: string | null } | undefined> {
  let current = id;
  // markMerged keeps chains one hop long; the bound only guards against a corrupted cycle.
  for (let hops = 0; hops < 32; hops++) {
    const user = await store.findAdminUser(current);
    if (!user) return undefined;
    if (user.mergedInto === null) return { user, mergedFrom: current === id ? null : id };
    current = user.mergedInto;
  }
  throw new Error(`merged_into chain from ${id} is too long (a cycle?)`);
}

/**
 * Resolves `id`, update-locks the live user (identity/resolve-in-tx.ts's protocol: a login pointing an identity at
 * it waits for us), and refuses an unknown id (ERR_USER_NOT_FOUND) or a tombstone (ERR_ADMIN_USER_ERASED).
 */
export async function lockLiveUser(tx: AdminTx, id: string): Promise<AdminUserRow> {
  const found = await resolveAdminUser(tx, id);
  if (!found) throw new AppError('ERR_USER_NOT_FOUND');
  return lockResolved(tx, found.user.id);
}

/** Update-locks a user known by its own id; merged since it was read → the transaction is retried. */
export async function lockResolved(tx: AdminTx, userId: string): Promise<AdminUserRow> {
  const user = await tx.lockAdminUser(userId, 'update');
  if (!user) throw new AppError('ERR_USER_NOT_FOUND');
  if (user.mergedInto !== null) throw new RetryableTransactionError('stale');
  if (user.erasedAt !== null) throw new AppError('ERR_ADMIN_USER_ERASED');
  return user;
}
