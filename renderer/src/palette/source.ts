/**
 * The image being previewed, wherever it came from: a service's palimg folder (read through
 * the core API, base64 on the wire) or a file opened from disk (no service, so no origin).
 */
import type { ImageKind } from '../../../proxy-core/src/common/palimg/index.js';

export interface PaletteSource {
  /** What the picker shows: `web /palimg/x.gif`, or the file name. */
  label: string;
  /** The URL path of the plain image, `/palimg/<name>.<ext>`. */
  path: string;
  service: string | null;
  /** `http://127.0.0.1:8080` when a running service serves it; null for a local file. */
  origin: string | null;
  kind: ImageKind;
  bytes: Uint8Array;
}

export function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  // In slices: String.fromCharCode(...all) would overflow the stack on a big image.
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
