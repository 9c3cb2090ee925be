/**
 * The body viewers' pure parts: base64 both ways, the view a Content-Type (or the bytes'
 * signature) opens in, text in the declared charset, JSON pretty or why not, HTML split into
 * tags and text, and a hex dump laid out as `hexdump -C` does.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeText,
  hexDump,
  htmlTokens,
  prettyJson,
  sniffImage,
  utf8Text,
  viewsFor,
} from '../../../../renderer/src/inspector/body-view.js';
import {
  fromBase64 as bytesOf,
  toBase64 as base64Of,
} from '../../../../renderer/src/palette/source.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe('body views', () => {
  it('turns base64 into bytes and back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesOf(base64Of(all))).toEqual(all);
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    expect(bytesOf(base64Of(big))).toEqual(big);
  });

  it('opens a body in the view its Content-Type names, or its bytes suggest', () => {
    expect(viewsFor('application/json; charset=utf-8', enc('{"a":1}'))).toEqual([
      'json',
      'text',
      'hex',
    ]);
    expect(viewsFor('application/vnd.api+json', enc('{}'))[0]).toBe('json');
    expect(viewsFor('text/html', enc('<p>x</p>'))).toEqual(['html', 'text', 'hex']);
    expect(viewsFor('image/png', PNG)).toEqual(['image', 'hex']);
    expect(viewsFor('image/svg+xml', enc('<svg/>'))).toEqual(['image', 'text', 'hex']);
    expect(viewsFor('text/plain', enc('hello'))).toEqual(['text', 'hex']);
    expect(viewsFor('application/octet-stream', Uint8Array.from([0, 1, 2, 3]))).toEqual([
      'hex',
      'text',
    ]);
    // No Content-Type: sniffed.
    expect(viewsFor(undefined, PNG)[0]).toBe('image');
    expect(viewsFor(undefined, enc('  [1,2]'))[0]).toBe('json');
    expect(viewsFor(undefined, enc('<!DOCTYPE html><html>'))[0]).toBe('html');
    expect(viewsFor(undefined, enc('plain words'))[0]).toBe('text');
    expect(sniffImage(enc('GIF89a...'))).toBe('image/gif');
    expect(sniffImage(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
  });

  it('decodes text in the declared charset, UTF-8 by default', () => {
    expect(decodeText(Uint8Array.from([0xe9]), 'text/plain; charset=ISO-8859-1')).toBe('é');
    expect(decodeText(enc('é'), 'text/plain')).toBe('é');
    expect(decodeText(enc('x'), 'text/plain; charset=nonsense')).toBe('x');
    expect(utf8Text(enc('héllo'))).toBe('héllo');
    expect(utf8Text(Uint8Array.from([0xe9, 0x41]))).toBeNull();
    expect(utf8Text(Uint8Array.from([0, 1, 2]))).toBeNull();
  });

  it('pretty-prints JSON, and says why a cut body is not JSON', () => {
    expect(prettyJson('{"a":[1,{"b":2}]}')).toEqual({
      ok: true,
      text: '{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}',
    });
    expect(prettyJson('{"a":[1,')).toEqual({ ok: false, error: expect.any(String) });
  });

  it('splits HTML into tags and text, comments and a cut tag included', () => {
    expect(htmlTokens('<!doctype html><p class="x">a &amp; b</p><!-- c --> t <br')).toEqual([
      { tag: true, text: '<!doctype html>' },
      { tag: true, text: '<p class="x">' },
      { tag: false, text: 'a &amp; b' },
      { tag: true, text: '</p>' },
      { tag: true, text: '<!-- c -->' },
      { tag: false, text: ' t ' },
      { tag: true, text: '<br' },
    ]);
    expect(htmlTokens('1 < 2')).toEqual([{ tag: false, text: '1 < 2' }]);
  });

  it('dumps hex as hexdump -C does', () => {
    const lines = hexDump(enc('Hello, world!\n\u0000\u0001XYZ')).split('\n');
    expect(lines).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 01  |Hello, world!...|',
      '00000010  58 59 5a                                          |XYZ|',
    ]);
    expect(hexDump(new Uint8Array(100), 32).split('\n')).toHaveLength(2);
  });
});
