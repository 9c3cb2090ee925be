/**
 * The default secure context of a service with `enable_ssl`, for callers that need just one
 * context (listeners use ListenerTls, which also does SNI and reloads). Every failure names the
 * file and the problem.
 */
import type tls from 'node:tls';
import type { ServiceModel } from '../../common/config/model.js';
import { loadTlsMaterial, tlsSettingsOf } from './tls-material.js';

export function loadSecureContext(svc: ServiceModel, baseDir: string): tls.SecureContext {
  return loadTlsMaterial(tlsSettingsOf(svc, baseDir)).defaultContext;
}
