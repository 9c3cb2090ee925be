#!/usr/bin/env node
// Entry point of `npx perlbal-desktop`: runs the built core (npm ci builds it via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin/perlbal.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write(
    'perlbal-desktop: the core is not built yet. Run `npm ci` (it builds it) or `npm run build:core`.\n',
  );
  process.exit(1);
}
process.on('uncaughtException', (err) => {
  // Perlbal logs "crash log:" lines and exits 1; a supervisor or the user restarts it.
  for (const line of String(err?.stack ?? err).split('\n')) process.stderr.write(`crash log: ${line}\n`);
  process.exit(1);
});
const { main } = await import(built.href);
await main(process.argv.slice(2));
