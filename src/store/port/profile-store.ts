/**
 * The profile part of the storage port: what WeChat told us about a person beyond ids (follow state, phone).
 */

/** A phone number WeChat disclosed (getuserphonenumber), as stored on the user. */
export interface UserPhone {
  /** With the country code for non-CN numbers, as WeChat gives it. */
  phoneNumber: string;
  purePhoneNumber: string;
  countryCode: string;
  /** When it was recorded. */
  updatedAt: number;
}

export interface ProfileStore {
  /**
   * Records the follow state of an official-account identity. `at` orders the records (pass the event's time): a
   * state older than the recorded one is ignored, so a retried `subscribe` cannot undo a later `unsubscribe`.
   * True when recorded; false when there is no such identity (a no-op) or a newer state is already recorded.
   */
  setFollowState(appid: string, openid: string, subscribed: boolean, at: number): Promise<boolean>;
  /**
   * Sets the phone number of the live user `userId` resolves to (a merged id writes to its survivor); returns that
   * live user's id. A TypeError for an unknown user. With `source`, a `phone.bound` event (on the live user) is
   * appended in the same transaction.
   */
  setUserPhone(
    userId: string,
    phone: { phoneNumber: string; purePhoneNumber: string; countryCode: string },
    at: number,
    source?: { appid: string; unionKey: string | null },
  ): Promise<string>;
  /** The phone number stored on this user row (not resolved through merges), or undefined. */
  findUserPhone(userId: string): Promise<UserPhone | undefined>;
}
