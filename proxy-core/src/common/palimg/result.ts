/**
 * What a palette rewrite returns. The rewrite only ever changes a *prefix* of the file (the
 * header up to the end of the colour table, or the PNG chunks up to the PLTE CRC); the body
 * is that prefix followed by the original bytes from the same offset (Perlbal sent the prefix,
 * then sendfile from `length(prefix)`). Failures are data: each becomes a clean 404.
 */

export type PalimgFailure =
  | 'not_gif'
  | 'no_colour_table'
  | 'not_png'
  | 'not_palette'
  | 'no_palette'
  | 'bad_palette'
  | 'truncated';

export type RecolourResult =
  | { readonly ok: true; readonly prefix: Uint8Array }
  | { readonly ok: false; readonly failure: PalimgFailure };

/** A sentence for each failure, sent after the 404 heading so a developer sees why. */
export const FAILURE_TEXT: Readonly<Record<PalimgFailure, string>> = {
  not_gif: 'Not a GIF image (no GIF87a/GIF89a signature)',
  no_colour_table: 'GIF without a global colour table',
  not_png: 'Not a PNG image (no signature or no IHDR chunk first)',
  not_palette: 'PNG is not a palette image (IHDR colour type is not 3)',
  no_palette: 'PNG has no PLTE chunk before its image data',
  bad_palette: 'PNG PLTE chunk length is not 3 to 768 bytes in whole entries',
  truncated: 'Image is truncated before the end of its colour table',
};

export const fail = (failure: PalimgFailure): RecolourResult => ({ ok: false, failure });
