export { type SignedRequest, signedRequest } from './signed-request.js';
export { feedKeyMatches } from './feed-key.js';
