/**
 * What the official accounts' callbacks last showed (0011): written by the callback flow, read by `weunion doctor`.
 * Never a body, a signature or a key: an outcome, its error code and a clock difference.
 */

/** One callback's outcome, as the callback flow saw it. */
export interface CallbackObservation {
  appid: string;
  /** When weunion received it (epoch ms, its own clock). */
  at: number;
  /** null: accepted; else the AppError code it was refused with (ERR_CALLBACK_SIGNATURE…). */
  failureCode: string | null;
  /** Our clock minus the callback's `timestamp`, in seconds; null when it carried none we could read. */
  skewSeconds: number | null;
}

export interface CallbackHealthRow {
  appid: string;
  lastOkAt: number | null;
  lastFailureAt: number | null;
  lastFailureCode: string | null;
  /** Refusals recorded since the last accepted callback. */
  failuresSinceOk: number;
  skewSeconds: number | null;
  updatedAt: number;
}

export interface HealthStore {
  /** Folds one observation into the app's row (insert or update). */
  recordCallback(observation: CallbackObservation): Promise<void>;
  /** The row of `appid`, or undefined when no callback was ever recorded for it. */
  getCallbackHealth(appid: string): Promise<CallbackHealthRow | undefined>;
}
