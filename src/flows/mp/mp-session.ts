/**
 * What the mini program flows that act on an existing weunion session share: the session's app identity (it must
 * still exist), the app's union (a unionid road needs one), and the associated data that binds a sealed
 * session_key to its identity row.
 */
import type { AppConfig } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { SessionClaims } from '../../sessions/session-tokens.js';
import type { AppIdentityRow, IdentityStore } from '../../store/port.js';

/** A verified session of this mini program (the route checked the token and that it was issued for `app`). */
export interface MpSession {
  app: AppConfig;
  claims: SessionClaims;
}

/** The session's app identity; ERR_AUTH_INVALID when it no longer exists. */
export async function sessionIdentity(identities: Pick<IdentityStore, 'findAppIdentity'>, session: MpSession): Promise<AppIdentityRow> {
  const identity = await identities.findAppIdentity(session.app.appid, session.claims.openid);
  if (!identity) throw new AppError('ERR_AUTH_INVALID', { message: 'The session\u2019s identity no longer exists.' });
  return identity;
}

/** The app's union key; a mini program not bound to an Open Platform account never gets a unionid from WeChat. */
export function requireUnion(app: AppConfig): string {
  if (app.union !== null) return app.union;
  throw new AppError('ERR_UNIONID_UNAVAILABLE', {
    message: `The app ${app.appid} is not bound to an Open Platform account, so WeChat never discloses a unionid for it.`,
  });
}

/** The associated data that binds a sealed session_key to its identity row. */
export function sessionKeyAad(appid: string, openid: string): string {
  return `session_key:${appid}:${openid}`;
}
