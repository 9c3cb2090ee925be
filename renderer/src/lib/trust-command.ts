/**
 * The command in one line of the trust steps (node/certs/trust-help.ts writes them for people:
 * `check:  openssl verify ...`, `curl:      curl --cacert ...   (note)`), or null for a line of
 * prose. The panel offers Copy only for commands, and copies the command alone.
 */
const LABEL = /^(?:check|undo|or|Node\.js|curl|git|Python|Perl LWP|Managed):\s+/;
const COMMAND =
  /^(?:sudo|cp|certutil(?:\.exe)?|openssl|trust|export|curl|git|Import-Certificate|for)\b/;

export function trustCommand(line: string): string | null {
  const body = line.trim().replace(LABEL, '');
  if (!COMMAND.test(body)) return null;
  // A note after the command is set off by two or more spaces: `cmd   (adds to Node's list)`.
  return body.split(/\s{2,}(?:\(|or\s)/)[0]!.trim();
}
