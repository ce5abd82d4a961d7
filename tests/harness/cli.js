// Running the creditgate binary as a command (not a server): `ledger backup`, `ledger verify`.
import { spawn } from 'node:child_process';

import { binaries } from './processes.js';

/** Runs creditgate to completion; resolves {code, signal, stdout, stderr}. */
export function runCreditgate(args) {
  // No secrets in the environment: ledger commands must not need them.
  const { CREDITGATE_ADMIN_TOKEN, MOCK_UPSTREAM_KEY, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(binaries().creditgate, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
