/**
 * The environment the pure config library asks about files, directories, environment
 * variables and interfaces. Perlbal answers these from the real system (`-e`, `-d`, `-x`,
 * `%ENV`, `/sbin/ifconfig`); the editor answers them permissively.
 */

export interface ApplyEnv {
  /** `$NAME` expansion; unset gives undefined, which expands to '' as in Perlbal. */
  getenv(name: string): string | undefined;
  /** `${ip:eth0}`: the interface's IPv4 address, undefined when unknown. */
  interfaceAddress(iface: string): string | undefined;
  /** Perl `-f` (and `-e` for nodefiles, together with dirExists). */
  fileExists(path: string): boolean;
  /** Perl `-d`. */
  dirExists(path: string): boolean;
  /** Perl `-x`. */
  isExecutable(path: string): boolean;
  /** INCLUDE plugin: expand the glob(s) and read each file; absent where files can't be read. */
  readIncludes?(
    globs: string,
  ): Array<{ path: string; text: string } | { path: string; error: string }>;
}

/** Every file and directory exists, no environment variables, no interfaces, no includes. */
export const permissiveEnv: ApplyEnv = Object.freeze({
  getenv: () => undefined,
  interfaceAddress: () => undefined,
  fileExists: () => true,
  dirExists: () => true,
  isExecutable: () => true,
});
