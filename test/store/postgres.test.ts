import { afterAll, beforeAll, describe } from 'vitest';
import { postgresAvailable } from '../helpers/postgres.js';
import { postgresBackend, type Backend } from './backends.js';
import { identityStoreContract } from './contract.js';

const available = await postgresAvailable();

describe.runIf(available)('PostgreSQL store', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await postgresBackend();
  });
  afterAll(async () => {
    await backend?.teardown();
  });
  identityStoreContract(async () => (await backend.open()).store);
});
