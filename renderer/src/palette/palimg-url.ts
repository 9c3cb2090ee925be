/**
 * The palimg URL for an image and a spec: `<origin>/palimg/<name>.<ext>/p<spec>`. Each path
 * segment is percent-encoded (the server decodes `%XX` before matching, as Perlbal did), so a
 * file name with a space or a `?` still names that file.
 */

export function palimgPath(imagePath: string, spec: string): string {
  const encoded = imagePath.split('/').map(encodeURIComponent).join('/');
  return `${encoded}/p${encodeURIComponent(spec)}`;
}

/** The full URL, or just the path when the image is not served (a local file). */
export function palimgUrl(origin: string | null, imagePath: string, spec: string): string {
  return `${origin ?? ''}${palimgPath(imagePath, spec)}`;
}
