/**
 * The digest an erased identity is kept under (`erased_identities.key_hash`): SHA-256 of kind, scope (appid or union
 * key) and WeChat id, so a lookup by openid or unionid can still answer "erased" while the database no longer holds
 * the id itself. Unsalted on purpose: the lookup must find it again from the id alone.
 */
import { createHash } from 'node:crypto';

export function erasedKeyHash(kind: 'app' | 'union', scope: string, id: string): string {
  return createHash('sha256').update(`${kind}\0${scope}\0${id}`).digest('hex');
}
