/** The one way a job handler says "retrying cannot help": the job fails at once, without the remaining attempts. */

/**
 * Thrown by a job handler for a failure no retry can cure (a malformed payload, an app no longer configured, an
 * upstream answer that will not change). The message is stored as the job's last error: keep it secret-free.
 * @example
 *   if (!app) throw new PermanentJobError(`app ${payload.appid} is not configured`);
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
