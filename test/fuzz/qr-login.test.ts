/**
 * Fuzzing scan-to-follow login over real HTTP: `POST /v1/oa/:appid/qr-login` (hostile appids, bodies and content
 * types) and `GET /v1/qr-login/:id` (random ids and real ones, hostile `wait`/`since`, JSON or event-stream). Real
 * ids are only polled with a `wait` that answers at once, so a run never blocks. Properties: see fuzz-harness.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { encodeLoose, fuzzString, jsonBody, jsonContentType, queryString, segment } from './arbitraries.js';
import { fcOptions, fuzzTimeoutMs, printTally, startFuzzStack, type FuzzStack } from './fuzz-harness.js';

let fz: FuzzStack;
const realIds: string[] = [];
beforeAll(async () => {
  fz = await startFuzzStack();
});
afterAll(async () => {
  printTally('qr-login');
  await fz?.close();
});

describe('fuzz: scan-to-follow login', () => {
  it(
    'POST /v1/oa/:appid/qr-login',
    async () => {
      const { apps } = fz.stack;
      const sample = fc.record({
        appid: segment([apps.oa, apps.oa, apps.oa, apps.mp1, apps.web]),
        body: fc.option(jsonBody({ scene: fuzzString, expireSeconds: fc.integer() })),
        ct: jsonContentType,
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ appid, body, ct }) => {
          await fz.probe('POST /v1/oa/:appid/qr-login', {
            method: 'POST',
            url: `/v1/oa/${appid}/qr-login`,
            headers: body !== null && ct ? { 'content-type': ct } : {},
            ...(body === null ? {} : { body }),
          });
          fz.prune();
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );

  it(
    'GET /v1/qr-login/:id',
    async () => {
      // Made here: the previous property prunes flows as it goes.
      for (let i = 0; i < 3; i++) realIds.push((await fz.stack.api(`/v1/oa/${fz.stack.apps.oa}/qr-login`, {})).body.id);
      const sample = fc.record({
        real: fc.boolean(),
        id: fc
          .oneof(
            fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
            fuzzString.filter((s) => s.length < 500),
          )
          .map(encodeLoose),
        // For a real (pending) id only waits that answer at once: none, 0, or invalid ones.
        realQuery: queryString(
          {
            wait: fc.constantFrom('0', '0', '0', '-1', '31', '1.5', 'abc', '1e400', ''),
            since: fc.constantFrom('scanned', 'scanned', 'scanned', 'done', 'PENDING', ''),
          },
          ['since'],
        ),
        query: queryString({
          wait: fc.oneof({ weight: 4, arbitrary: fc.nat(30).map(String) }, { weight: 1, arbitrary: fuzzString }),
          since: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('pending', 'scanned') }, { weight: 1, arbitrary: fuzzString }),
        }),
        sse: fc.nat(4),
      });
      await fc.assert(
        fc.asyncProperty(sample, async ({ real, id, realQuery, query, sse }) => {
          // A real id whose `since` equals its status waits: `since` is always given for those, never `pending`.
          const url = real ? `/v1/qr-login/${realIds[id.length % realIds.length]}?${realQuery}` : `/v1/qr-login/${id}?${query}`;
          const stream = !real && sse === 0;
          await fz.probe('GET /v1/qr-login/:id', { method: 'GET', url, headers: stream ? { accept: 'text/event-stream' } : {} });
        }),
        fcOptions(),
      );
    },
    fuzzTimeoutMs(),
  );
});
