/**
 * A small multipart/form-data reader (RFC 7578) for the demo's "post an entry" form: fields
 * and at most a few files, from a body already read into memory (the demo caps its size).
 */

export interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer;
}

/** The boundary of a `multipart/form-data; boundary=...` Content-Type, or null. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    // `--` after a delimiter closes the body.
    if (body.subarray(start, start + 2).toString('latin1') === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = parsePart(body.subarray(start, next));
    if (part) parts.push(part);
    pos = next;
  }
  return parts;
}

function parsePart(raw: Buffer): Part | null {
  // Each part is CRLF, headers, CRLF CRLF, data, CRLF (the CRLF before the next delimiter).
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return null;
  const head = raw.subarray(0, headEnd).toString('utf8');
  let data = raw.subarray(headEnd + 4);
  if (data.subarray(-2).toString('latin1') === '\r\n') data = data.subarray(0, -2);
  const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(head)?.[1] ?? '';
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return null;
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
  const type = /^content-type:\s*([^\r\n;]+)/im.exec(head)?.[1]?.trim().toLowerCase();
  return { name, data, ...(filename !== undefined ? { filename } : {}), ...(type ? { type } : {}) };
}
