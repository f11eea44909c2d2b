import { afterAll, beforeAll, describe } from 'vitest';
import { postgresAvailable } from '../helpers/postgres.js';
import { postgresBackend, type Backend } from './store-backends.js';
import { identityStoreContract } from './contract.js';
import { flowStoreContract } from './flow-contract.js';
import { jobStoreContract } from './job-contract.js';
import { profileStoreContract } from './profile-contract.js';
import { webhookStoreContract } from './webhook-contract.js';

const available = await postgresAvailable();

// Needs PostgreSQL: skipped only off CI where it is unreachable; under CI=true postgresAvailable() throws instead.
describe.runIf(available)('PostgreSQL store', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await postgresBackend();
  });
  afterAll(async () => {
    await backend?.teardown();
  });
  const open = async () => (await backend.open()).store;
  // A second pool on the same schema: another instance.
  const openPeer = async () => (await backend.open({ keep: true })).store;
  identityStoreContract(open);
  jobStoreContract(open, openPeer);
  flowStoreContract(open, openPeer);
  profileStoreContract(open);
  webhookStoreContract(open);
});
