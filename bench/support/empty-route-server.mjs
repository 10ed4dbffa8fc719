/**
 * The HTTP floor of the report: node:http on 127.0.0.1 (port 0), one route that reads the JSON
 * body and answers 201 with a small JSON object; no validation, no store. Prints
 * `listening on http://127.0.0.1:<port>` and runs until it is killed.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const parsed = body ? JSON.parse(body) : {};
    const answer = JSON.stringify({ id: '00000000-0000-4000-8000-000000000000', revision: 0, title: parsed.title ?? null });
    response.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    response.end(answer);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
