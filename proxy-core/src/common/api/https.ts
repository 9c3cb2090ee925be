/**
 * "HTTPS in one click": what the UI learns about local HTTPS (getHttpsStatus) and what
 * enableHttps did. Plain JSON (dates as ISO strings), built by node/api/https-setup.ts from
 * the certificate folder (node/certs/) and the running config.
 */
import type { ConfigChange } from './core-api.js';

/** One group of trust steps (a platform or a tool), with commands to copy. */
export interface HttpsTrustSection {
  id: string;
  title: string;
  lines: string[];
}

/** One trust store looked at, and what it said. */
export interface HttpsTrustStore {
  store: string;
  /** null: could not be checked (no such command or file). */
  trusted: boolean | null;
  detail: string;
}

export interface HttpsStatus {
  /** The certificate folder this core uses (ca.pem, ca-key.pem, cert.pem, key.pem). */
  certDir: string;
  /** The local authority, when ca.pem is there. */
  authority: { file: string; subject: string; notAfter: string } | null;
  /** The server certificate, when cert.pem is there. */
  certificate: { file: string; names: string[]; notAfter: string } | null;
  /** The names the running config answers to (VHOST patterns, listen addresses). */
  configHosts: string[];
  /** Config names the certificate does not cover (empty: nothing to renew for names). */
  missingHosts: string[];
  /** What a person should know about the names (catch-alls, deeper names). */
  notes: string[];
  /** True when a system store of this machine trusts the authority; null when none could be read. */
  trusted: boolean | null;
  stores: HttpsTrustStore[];
  /** Trust steps for this platform first, then the others, with this authority's file. */
  trustSteps: HttpsTrustSection[];
  /** How many of `trustSteps` are this machine's own (they come first). */
  ownSteps: number;
  /** The running TLS service (enable_ssl on), other than the management port. */
  service: { name: string; role: string | null; listening: string[]; enabled: boolean } | null;
  /** An https URL on that service for a name the certificate covers, when there is one. */
  url: string | null;
}

export interface EnableHttpsOptions {
  /** Port for a new SSL service; default 8443 when free, else one the OS picks. */
  port?: number;
}

export interface EnableHttpsResult {
  authority: 'created' | 'replaced' | 'reused';
  certificate: 'created' | 'renewed' | 'replaced' | 'kept';
  /** Why the certificate was renewed. */
  reasons: string[];
  /** `added`: a new SSL service; `updated`: its certificate settings changed; `unchanged`. */
  service: 'added' | 'updated' | 'unchanged';
  serviceName: string;
  /** The config differences applied (empty when nothing changed). */
  changes: ConfigChange[];
  /** The config text now running (not saved: saveConfig writes it). */
  text: string;
  /** Why this kind of service was added, for people. */
  explanation: string;
  status: HttpsStatus;
}
