/**
 * Whether a request body goes to disk before a backend is asked for, and why (Perlbal
 * ClientProxy::start_buffering_request and decide_to_buffer_to_disk). Pure rules over the
 * service's buffer_upload_threshold_* tunables; the reason is what a backend sees in
 * X-PERLBAL-BUFFERED-UPLOAD-REASON when PERLBAL_DEBUG_BUFFERED_UPLOADS is set.
 */
import type { Service } from '../../service/service.js';

export type SpoolReason = 'size' | 'rate' | 'time' | 'chunked';

/** Decided as soon as the head is read: a declared length at or over the size threshold. */
export function sizeReason(svc: Service, contentLength: number): 'size' | null {
  const size = svc.num('buffer_upload_threshold_size');
  return size > 0 && contentLength >= size ? 'size' : null;
}

/**
 * Decided once buffer_backend_connect bytes (or the whole body) are in memory: the rate so far
 * and the estimated time for the rest. Perlbal checks the rate first and the time second, so
 * `time` wins when both apply; an elapsed time of exactly 0 counts as 1 s, as in Perl.
 */
export function rateOrTimeReason(
  svc: Service,
  buffered: number,
  elapsedSeconds: number,
  remaining: number,
): 'rate' | 'time' | null {
  const rate = buffered / (elapsedSeconds || 1);
  const eta = remaining / rate;
  const minRate = svc.num('buffer_upload_threshold_rate');
  const maxTime = svc.num('buffer_upload_threshold_time');
  let reason: 'rate' | 'time' | null = null;
  if (minRate > 0 && rate < minRate) reason = 'rate';
  if (maxTime > 0 && eta > maxTime) reason = 'time';
  return reason;
}

/** Perl truthiness of $ENV{PERLBAL_DEBUG_BUFFERED_UPLOADS}, read when the decision is made. */
export function debugBufferedUploads(): boolean {
  const v = process.env['PERLBAL_DEBUG_BUFFERED_UPLOADS'];
  return v !== undefined && v !== '' && v !== '0';
}
