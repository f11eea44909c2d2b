/** What a login resolution takes and gives (resolve-login.ts, resolve-in-tx.ts). */

export interface ResolveLoginInput {
  /** Our union (Open Platform account) the app is bound to; null for an unbound app. */
  unionKey: string | null;
  appid: string;
  openid: string;
  /** The unionid, if some road produced it. Must be absent/null when `unionKey` is null. */
  unionid?: string | null;
  /**
   * Whether WeChat's own word stands behind `unionid` (code2session, user/info, sns/oauth2/access_token,
   * getpaidunionid: true, the default) or it was decrypted from `encryptedData` with a session_key (false, unless
   * the app is trusted): such a claim links only a unionid nobody owns yet and never joins or merges users.
   */
  unionidTrusted?: boolean;
  /** The freshly sealed session_key (mini programs); stored when given, never logged. */
  sessionKeyEnc?: string | null;
}

export interface ResolveLoginResult {
  /** The live user this login belongs to. */
  userId: string;
  /** A user was created by this call (case 2). */
  isNewUser: boolean;
  /**
   * This call joined identities that were not joined before: the app identity learnt its unionid
   * (cases 3, 5, 6) or a new app identity joined the unionid's user (case 4). An `identity.linked`
   * event was appended exactly when this is true.
   */
  linked: boolean;
  /** Users merged into `userId` by this call (case 6): they now resolve to it. */
  mergedUserIds: string[];
  /** The unionid this identity is linked to by this call: the input's, or null when none was given or it was held. */
  unionid: string | null;
  /** WeChat's own word stands behind `unionid` (false for a decrypted claim nobody confirmed, and for null). */
  unionidConfirmed: boolean;
  /** A decrypted unionid was held back (another user owns it): kept aside on the identity, nothing joined. */
  held: boolean;
}

export interface ResolveOptions {
  /**
   * Whether the person was seen now (a login, a push they sent): moves `lastSeenAt`. False for a link learnt
   * without them (a follower walk, an operator's action). Default true.
   */
  markSeen?: boolean;
}
