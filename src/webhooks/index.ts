export { type SignedRequest, signedRequest } from './signed-request.js';
