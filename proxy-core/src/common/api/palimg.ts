/**
 * The palimg preview's part of the UI contract: which images the running web_servers would
 * recolour, and their bytes, so the renderer can run the same pure transform
 * (common/palimg) the server runs and show the result before anyone requests it.
 */

/** One `*.gif` / `*.png` under a palimg-enabled web_server's `DOCROOT/palimg/`. */
export interface PalimgImage {
  service: string;
  /** The URL path of the plain image, `/palimg/<name>.<ext>` (a palimg URL adds `/p<spec>`). */
  path: string;
  /**
   * Where the service answers: its own listener (`http://127.0.0.1:8080`), else a selector
   * that routes a host to it by VHOST (`http://stat.lj.localhost:8080`); null for neither.
   */
  origin: string | null;
  /** File size in bytes. */
  size: number;
}

/** An image's bytes, base64 so that every transport carries them as plain JSON. */
export interface PalimgImageData {
  service: string;
  path: string;
  base64: string;
}
