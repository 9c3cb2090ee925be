/**
 * The shape of one tunable row (Perlbal::Service `$tunables`, plus plugin `add_tunable` rows).
 * Kept apart from the table so plugin modules can declare rows without importing the table.
 */
import type { TunableValue } from './model.js';

export type TunableType =
  /** `SET role`: a core role or a plugin role; setting it re-applies defaults. */
  | 'role'
  /** 1 true on yes / 0 false off no, case-insensitive. Stored as a boolean. */
  | 'bool'
  /** `^\d+$`. Stored as a number. */
  | 'int'
  /** N, Nb, Nk or Nm (k = 1024). Stored as bytes. */
  | 'size'
  /** No check at all. */
  | 'string'
  /** One of `values`. */
  | 'enum'
  /** Must match `pattern`, else `patternError`. */
  | 'regexp'
  /** Split on `[\s,]+` into a list (index_files). */
  | 'list'
  /** An existing file, or the default value. */
  | 'file_or_none'
  /** An existing directory (undef passes). */
  | 'directory_or_none'
  /** An existing directory (docroot, buffer_uploads_path). */
  | 'directory'
  /** An executable file (server_process). */
  | 'executable'
  /** The name of an existing pool (after `=`, so case-sensitive). */
  | 'pool'
  /** The name of an existing service. */
  | 'service'
  /** Comma-separated `a.b.c.d:port` UDP endpoints. */
  | 'udp_endpoints'
  /** Comma-separated Net::Netmask specs. Stored as a list of `base/bits`. */
  | 'netmask_list'
  /** An integer 0..100. */
  | 'percent'
  /** Documented as a number but never checked by Perlbal (max_backend_uses). */
  | 'unchecked_int';

export interface TunableDef {
  readonly name: string;
  /** `'*'` for any role, else the roles it may be set on (Perlbal `check_role`). */
  readonly roles: '*' | readonly string[];
  readonly type: TunableType;
  /**
   * Value applied when the role is set, normalised (sizes in bytes, bools as booleans).
   * `undefined`: no default (left unset); `null`: Perl's undef default.
   */
  readonly default?: TunableValue;
  /** User documentation: editor hover help and the generated reference. */
  readonly description: string;
  /** Allowed values of an `enum`. */
  readonly values?: readonly string[];
  /** `regexp` type: a JS pattern equivalent to Perlbal's. */
  readonly pattern?: string;
  /** `regexp` type and custom checks: Perlbal's exact error text. */
  readonly patternError?: string;
  /** `regexp` type: the rule in words, for messages ("must be ip:port"). */
  readonly rule?: string;
  /** Always dumped even when equal to the default (Perlbal compares an arrayref with a string). */
  readonly dumpAlways?: boolean;
  /** Never dumped (persist_client_timeout only sets two other tunables). */
  readonly neverDump?: boolean;
  /** A Perlbal Desktop addition that Perlbal 1.80 does not have (see docs/compatibility.md). */
  readonly addition?: true;
  /** Canonical name of the plugin that adds the row; absent for core rows. */
  readonly plugin?: string;
  /** Custom normalisation of an accepted raw value. */
  readonly normalize?: (raw: string) => TunableValue;
}

export function roleMatches(def: TunableDef, role: string | null): boolean {
  return def.roles === '*' || (role !== null && def.roles.includes(role));
}

/** The roles text Perlbal prints in `can only be set on a '<role>' service`. */
export function requiredRole(def: TunableDef): string {
  return def.roles === '*' ? '*' : def.roles.join('|');
}
