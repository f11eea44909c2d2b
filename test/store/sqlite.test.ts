import { sqliteBackend } from './backends.js';
import { identityStoreContract } from './contract.js';

const backend = sqliteBackend();
identityStoreContract(async () => (await backend.open()).store);
