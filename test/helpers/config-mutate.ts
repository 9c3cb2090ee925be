/**
 * Byte-level mutations of config text, the way half-written edits in the desktop editor look:
 * noise characters spliced in, text cut mid-token, bytes deleted, blocks repeated, numbers and
 * words inflated. Shared by the config fuzz tests (check only, and live apply).
 */
const NOISE = [
  '\0',
  '\r',
  '\u2028',
  '\ufeff',
  '$',
  '${',
  '}',
  '=',
  '#',
  '"',
  "'",
  '\\',
  ' ',
  '\t',
  '\n',
  'é',
  '\ud800',
];

export function mutateBytes(r: () => number, text: string): string {
  let s = text;
  const edits = 1 + Math.floor(r() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0:
        s = s.slice(0, at) + NOISE[Math.floor(r() * NOISE.length)]! + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at); // half-written: cut anywhere, mid-token included
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
        break;
      case 3: {
        const len = Math.floor(r() * 200);
        s =
          s.slice(0, at) +
          s.slice(at, at + len).repeat(2 + Math.floor(r() * 3)) +
          s.slice(at + len);
        break;
      }
      case 4:
        s = s.slice(0, at) + '9'.repeat(1 + Math.floor(r() * 400)) + s.slice(at);
        break;
      default:
        s = s.slice(0, at) + 'x'.repeat(Math.floor(r() * 20_000)) + s.slice(at);
    }
  }
  return s;
}
