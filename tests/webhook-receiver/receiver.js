// receiver.js -- loopback webhook receiver for the e2e suite: verifies each request with the
// standardwebhooks library unchanged and appends one JSON line per request to a results file.
//
//   node receiver.js --port N|0 --port-file F --secrets S --log L
//
// The last path segment names the receiver ("name"); S is a JSON file {name: "whsec_..."} read on
// every request. The path before it picks the answer:
//   /ok/<name>               204
//   /status/<code>/<name>    <code> (with "Retry-After: 1" for 429/503)
//   /flaky/<n>/<name>        500 for the first n requests of <name>, then 204
//   /slow/<ms>/<name>        204 after <ms> milliseconds
// Each log line: {name, path, id, timestamp, signature, verified, error, tampered_verified,
// body, answered, t} where t is Date.now() when the request was complete.
'use strict';
const fs = require('fs');
const http = require('http');
const { Webhook } = require('standardwebhooks');

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const seen = new Map(); // name -> requests so far

function secretFor(name) {
  try {
    return JSON.parse(fs.readFileSync(args.secrets, 'utf8'))[name];
  } catch (e) {
    return undefined;
  }
}

function check(secret, body, headers) {
  if (!secret) return { ok: false, error: 'no secret for this name' };
  try {
    new Webhook(secret).verify(body, headers);
    return { ok: true, error: '' };
  } catch (e) {
    return { ok: false, error: String(e && e.message ? e.message : e) };
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const parts = req.url.split('?')[0].split('/').filter(Boolean);
    const name = parts[parts.length - 1] || '';
    const n = (seen.get(name) || 0) + 1;
    seen.set(name, n);
    const headers = {
      'webhook-id': req.headers['webhook-id'],
      'webhook-timestamp': req.headers['webhook-timestamp'],
      'webhook-signature': req.headers['webhook-signature'],
    };
    const secret = secretFor(name);
    const v = check(secret, body, headers);
    const tampered = check(secret, body.replace(/}$/, ',"x":1}'), headers);
    let status = 204;
    let delay = 0;
    if (parts[0] === 'status') status = parseInt(parts[1], 10);
    if (parts[0] === 'flaky') status = n <= parseInt(parts[1], 10) ? 500 : 204;
    if (parts[0] === 'slow') delay = parseInt(parts[1], 10);
    const line = {
      name, path: req.url, id: headers['webhook-id'], timestamp: headers['webhook-timestamp'],
      signature: headers['webhook-signature'], content_type: req.headers['content-type'],
      verified: v.ok, error: v.error, tampered_verified: tampered.ok, body, answered: status,
      n, t: Date.now(),
    };
    fs.appendFileSync(args.log, JSON.stringify(line) + '\n');
    const answer = () => {
      const h = {};
      if (status === 429 || status === 503) h['retry-after'] = '1';
      res.writeHead(status, h);
      res.end();
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});

server.listen(parseInt(args.port || '0', 10), '127.0.0.1', () => {
  const tmp = args['port-file'] + '.tmp';
  fs.writeFileSync(tmp, String(server.address().port));
  fs.renameSync(tmp, args['port-file']); // appears complete or not at all
});
process.on('SIGTERM', () => process.exit(0));
