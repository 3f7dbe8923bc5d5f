// lint.js -- lints an OpenAPI file with Redocly's openapi-core (the OpenAPI 3.1 structure, every
// $ref resolved, unique operation ids, declared path parameters, valid schemas and examples:
// the "recommended" rules, as configured in redocly.yaml beside this file).
// Usage: node lint.js FILE. Every problem, error or warning, is printed and fails (exit 1);
// a clean file prints "openapi-lint: ok ..." and exits 0.
'use strict';
const path = require('path');
const { lint, loadConfig } = require('@redocly/openapi-core');

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node lint.js FILE');
    process.exit(2);
  }
  const config = await loadConfig({ configPath: path.join(__dirname, 'redocly.yaml') });
  const problems = await lint({ ref: file, config });
  for (const p of problems) {
    const where = (p.location || []).map((l) => l.pointer).join(' ');
    console.error(`openapi-lint: ${p.severity} ${p.ruleId}: ${p.message} at ${where}`);
  }
  if (problems.length) {
    console.error(`openapi-lint: ${file}: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`openapi-lint: ok ${file}`);
}

main().catch((err) => {
  console.error(`openapi-lint: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
