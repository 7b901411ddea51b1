import assert from 'node:assert/strict';
import { it } from 'node:test';
import { normalizeRequest } from '../../scenarios/request.ts';
import { curlHints, roomHints } from '../../scripts/handlers/serve.ts';

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

it('serve shows how to join a WebSocket room: wscat, Node, and one message over HTTP', () => {
  assert.deepEqual(roomHints('http://127.0.0.1:3000/'), [
    'Join the room and type a line; every client in it gets it back, moderated:',
    '  npx wscat -c ws://127.0.0.1:3000/',
    `  node -e "const w=new WebSocket('ws://127.0.0.1:3000/');w.onmessage=(e)=>console.log(String(e.data));w.onopen=()=>w.send('hello from node')"    (Node 22+; on Node 20 add --experimental-websocket)`,
    'One message over HTTP (answered to you, not broadcast):',
    "  curl --data 'hello' http://127.0.0.1:3000/",
  ]);
});
