import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normalizeRequest } from '../../scenarios/request.ts';
import { curlHints } from '../../scripts/commands/serve.ts';

it('serve shows how to send what the load sends: GETs as they are, bodies from a file', () => {
  const requests = [
    { path: '/?path=%2Fa' },
    { method: 'post', headers: { 'content-type': 'text/plain' }, body: 'abc' },
    { method: 'post', headers: { 'content-type': 'text/plain' }, body: 'abcd' },
  ].map(normalizeRequest);
  assert.deepEqual(curlHints('http://127.0.0.1:3000/', requests), [
    "  curl 'http://127.0.0.1:3000/?path=%2Fa'",
    "  curl -X POST -H 'content-type: text/plain' --data-binary @FILE 'http://127.0.0.1:3000/'",
    '      (the load sends 2 such bodies of 3, 4 bytes)',
  ]);
});
