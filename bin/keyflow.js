#!/usr/bin/env node
// The `keyflow` command: runs the compiled command line in dist/ (npm run build).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'cli', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(`keyflow: not built yet: run \`npm run build\` in ${root}\n`);
  process.exit(1);
}

// Piped into `head` and closed early: stop quietly, as other tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

require(entry)
  .main(process.argv.slice(2))
  .then((code) => {
    // exitCode (not exit()) lets stdout finish writing into a pipe; the timer ends a process that
    // something (a connection's last handle) would keep alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  });
