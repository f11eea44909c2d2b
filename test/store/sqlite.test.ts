import { sqliteBackend } from './store-backends.js';
import { identityStoreContract } from './contract.js';
import { flowStoreContract } from './flow-contract.js';
import { jobStoreContract } from './job-contract.js';
import { profileStoreContract } from './profile-contract.js';
import { webhookStoreContract } from './webhook-contract.js';

const backend = sqliteBackend();
const open = async () => (await backend.open()).store;
identityStoreContract(open);
// In-memory SQLite cannot be shared: the "two instances" of the concurrency tests are one store.
jobStoreContract(open);
flowStoreContract(open);
profileStoreContract(open);
webhookStoreContract(open);
