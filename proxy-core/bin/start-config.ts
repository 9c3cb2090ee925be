/**
 * Starting a config file the way Perlbal::load_config does: one line at a time, with a fresh
 * non-verbose context, printing what each command prints (`mime set`, `show service`,
 * `version`, ...) and stopping at the first line that fails. The whole file is checked first,
 * so every mistake is reported with its file, line and column before anything starts; a line
 * that fails only when it runs (an address already in use) is named the same way.
 */
import path from 'node:path';
import { checkConfig, formatDiagnostic, type CommandContext } from '../src/common/config/index.js';
import { ProxyCore } from '../src/node/core.js';
import { serverEffect } from '../src/node/manage/server-effects.js';
import { nodeEnv } from '../src/node/node-env.js';

/** Where start-up output goes: the terminal, or the pipe to a `--daemon` parent. */
export interface StartupOutput {
  /** A line Perlbal prints on stdout (command output, the banner). */
  out(line: string): void;
  /** A problem (diagnostics, `Error starting up.`); Perlbal printed these on stdout too. */
  err(line: string): void;
}

/** The config did not start; what went wrong has been written to the output already. */
export class StartupFailure extends Error {
  constructor() {
    super('Error starting up.');
  }
}

/** A SHUTDOWN line in the config: Perlbal exits there, with status 0. */
export class StartupExit extends Error {}

/** Check the whole file; on errors print every diagnostic and throw StartupFailure. */
export function checkOrReport(text: string, file: string, io: StartupOutput): void {
  const { diagnostics } = checkConfig(text, nodeEnv(process.env, path.dirname(file)), file);
  if (!diagnostics.some((d) => d.severity === 'error')) return;
  for (const d of diagnostics) {
    const line = formatDiagnostic({ ...d, file: d.file ?? file });
    if (d.severity === 'error') io.err(line);
    else io.out(line);
  }
  throw new StartupFailure();
}

/** Check, then run the file line by line on a new core. Throws StartupFailure or StartupExit. */
export async function startConfig(
  text: string,
  file: string,
  io: StartupOutput,
): Promise<ProxyCore> {
  checkOrReport(text, file, io);
  const cwd = path.dirname(file);
  const core = new ProxyCore({ cwd, env: nodeEnv(process.env, cwd) });
  let exitRequested = false;
  core.once('exit', () => (exitRequested = true));
  const ctx: CommandContext = { lastCreated: null, verbose: false, phase: 'startup' };
  try {
    for (const [i, line] of text.split('\n').entries()) {
      const out = await core.runCommand(line, ctx);
      if (exitRequested) throw new StartupExit();
      const where = `${file}: line ${i + 1}, column ${line.search(/\S/) + 1}: `;
      // The whole file was checked, so an `ERROR:` here is something only running it can
      // find, such as a port another program holds: it stops the start, as in Perlbal.
      const failed = out.findIndex((l) => l.startsWith('ERROR: '));
      for (const l of failed === -1 ? out : out.slice(0, failed)) io.out(l);
      if (failed !== -1) {
        for (const l of out.slice(failed)) io.err(`${where}${l.replace(/^ERROR: /, '')}`);
        throw new StartupFailure();
      }
      // Renicing or setting the open-files limit can fail without stopping Perlbal.
      for (const l of serverEffect(core, line)) io.err(`${where}${l.replace(/^ERROR: /, '')}`);
    }
  } catch (e) {
    core.close();
    throw e;
  }
  return core;
}
