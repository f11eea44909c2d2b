export {
  createJobRunner,
  type JobRunner,
  type JobRunnerOptions,
  type JobRunnerCounts,
  type JobRunnerLogger,
  type JobHandler,
  type JobContext,
  type JobTimers,
} from './job-runner.js';
export { PermanentJobError } from './permanent-job-error.js';
export { exponentialBackoff, type ExponentialBackoffOptions } from './backoff.js';
export { describeJobError } from './describe-job-error.js';
export { createJobWake, type JobWake } from './job-wake.js';
