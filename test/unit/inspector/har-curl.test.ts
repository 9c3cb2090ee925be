/**
 * HAR 1.2 export and import of request records (round trip through `_perlbal`, other tools'
 * HAR without it; captured bodies in content.text and postData.text), and "copy as curl".
 */
import { describe, expect, it } from 'vitest';
import { toCurl, shellQuote } from '../../../renderer/src/inspector/curl.js';
import { fromHar, toHar } from '../../../renderer/src/inspector/har.js';
import type { RequestRecord } from '../../../proxy-core/src/common/request-record.js';
import { validateHarSchema } from '../../e2e/har-schema.js';
import { validateHar } from '../../helpers/har-validate.js';
import { failedRecord, reproxiedRecord, sampleRecord } from '../../helpers/sample-records.js';

describe('HAR export and import', () => {
  const records = [sampleRecord(), reproxiedRecord(), failedRecord()];

  it('exports a valid HAR 1.2 log with the standard fields filled', () => {
    const har = toHar(records, '1.2.3');
    expect(validateHar(har)).toEqual([]);
    const [e] = har.log.entries;
    expect(e!.startedDateTime).toBe('2026-01-02T03:04:05.678Z');
    expect(e!.request.url).toBe('http://www.lj.localhost/userpic/1?size=big&x=a%20b');
    expect(e!.request.httpVersion).toBe('HTTP/1.1');
    expect(e!.request.queryString).toEqual([
      { name: 'size', value: 'big' },
      { name: 'x', value: 'a b' },
    ]);
    expect(e!.request.headers[0]).toEqual({ name: 'Host', value: 'www.lj.localhost' });
    expect(e!.response).toEqual(
      expect.objectContaining({
        status: 200,
        statusText: 'OK',
        content: { size: 2048, mimeType: 'image/png' },
      }),
    );
    expect(e!.timings).toEqual({
      blocked: 0.5,
      dns: -1,
      connect: 1.2,
      send: 2,
      wait: 3,
      receive: 2,
      ssl: -1,
    });
    expect(e!.serverIPAddress).toBe('127.0.0.1');
    expect(har.log.entries[2]!.comment).toContain('PB_ERR_BACKEND_CONNECT');
  });

  it('imports its own export whole', () => {
    const back = fromHar(JSON.stringify(toHar(records)));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.records.map((r) => ({ ...r, id: 0 }))).toEqual(
      records.map((r) => ({ ...r, id: 0 })),
    );
    expect(back.records.every((r) => r.id < 0)).toBe(true);
  });

  it("imports another tool's HAR with what it has, and refuses what is not HAR", () => {
    const har = toHar([sampleRecord()]);
    delete har.log.entries[0]!._perlbal;
    const back = fromHar(JSON.stringify(har));
    expect(back.ok && back.records[0]).toEqual(
      expect.objectContaining({
        service: '(imported)',
        route: [],
        host: 'www.lj.localhost',
        status: 200,
        uri: '/userpic/1?size=big&x=a%20b',
      }),
    );
    expect(fromHar('{')).toEqual({ ok: false, message: expect.stringContaining('Not JSON') });
    expect(fromHar('{"log":{}}')).toEqual({ ok: false, message: 'Not a HAR file: no log.entries' });
  });

  it('the validator catches missing and mistyped fields', () => {
    const har = toHar([sampleRecord()]) as unknown as {
      log: { entries: Array<Record<string, unknown>> };
    };
    delete har.log.entries[0]!['cache'];
    har.log.entries[0]!['time'] = 'slow';
    har.log.entries[0]!['extra'] = 1;
    expect(validateHar(har)).toEqual([
      '$.log.entries[0].time: expected number, got string',
      '$.log.entries[0].cache: missing',
      '$.log.entries[0].extra: not a HAR field (custom fields start with _)',
    ]);
  });
});

describe('copy as curl', () => {
  it('sends the same request to the same listener, Host as a header, quoted for a shell', () => {
    expect(toCurl(sampleRecord(), '127.0.0.1:8080')).toBe(
      "curl 'http://127.0.0.1:8080/userpic/1?size=big&x=a%20b' --path-as-is -H 'Host: www.lj.localhost' -H 'User-Agent: test' -H 'Cookie: ljsession=it'\\''s'",
    );
  });

  it('uses the Host header for the URL without a listener, and -X / -I for methods', () => {
    expect(toCurl(failedRecord())).toMatch(
      /^curl -X POST http:\/\/lj\.localhost\/talkpost_do --path-as-is -H 'User-Agent: test'/,
    );
    expect(toCurl(sampleRecord({ method: 'HEAD', httpVersion: '1.0', requestHeaders: [] }))).toBe(
      "curl -I 'http://www.lj.localhost/userpic/1?size=big&x=a%20b' --path-as-is --http1.0",
    );
    expect(shellQuote('plain/path-1.0')).toBe('plain/path-1.0');
  });
});

describe('HAR bodies', () => {
  const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
  const withBodies = (): RequestRecord[] => [
    sampleRecord({
      id: 1,
      method: 'POST',
      requestHeaders: [
        ['Host', 'www.lj.localhost'],
        ['Content-Type', 'application/json'],
      ],
      requestBody: { base64: b64('{"q":"é"}'), size: 10, captured: 10, truncated: false },
      responseHeaders: [['Content-Type', 'application/json']],
      responseBody: {
        base64: b64('{"ok":true}'),
        size: 30,
        captured: 22,
        truncated: false,
        decoded: ['chunked', 'gzip'],
      },
    }),
    sampleRecord({
      id: 2,
      bytesIn: 4,
      requestBody: {
        base64: b64(Buffer.from([0, 1, 2, 0xff])),
        size: 4,
        captured: 4,
        truncated: false,
      },
      responseBody: {
        base64: b64(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
        size: 9000,
        captured: 4,
        truncated: true,
      },
    }),
  ];

  it('puts text bodies in content.text and postData.text, binary ones as base64', () => {
    const har = toHar(withBodies());
    expect(validateHar(har)).toEqual([]);
    expect(validateHarSchema(har)).toEqual([]);
    const [a, b] = har.log.entries;
    expect(a!.request.postData).toEqual({
      mimeType: 'application/json',
      params: [],
      text: '{"q":"é"}',
    });
    expect(a!.response.content).toEqual({
      size: 11,
      mimeType: 'application/json',
      text: '{"ok":true}',
    });
    expect(b!.request.postData).toEqual(
      expect.objectContaining({ text: b64(Buffer.from([0, 1, 2, 0xff])), _encoding: 'base64' }),
    );
    expect(b!.response.content).toEqual({
      size: 2048,
      mimeType: 'image/png',
      text: b64(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
      encoding: 'base64',
      comment: 'Perlbal Desktop captured only the first 4 of 9000 bytes of this body',
    });
  });

  it('imports bodies back whole, and from another tool with what HAR has', () => {
    const recs = withBodies();
    const back = fromHar(JSON.stringify(toHar(recs)));
    expect(back.ok && back.records.map((r) => ({ ...r, id: 0 }))).toEqual(
      recs.map((r) => ({ ...r, id: 0 })),
    );
    const har = toHar(recs);
    for (const e of har.log.entries) delete e._perlbal;
    const other = fromHar(JSON.stringify(har));
    expect(other.ok && other.records[0]!.responseBody).toEqual({
      base64: b64('{"ok":true}'),
      size: 11,
      captured: 11,
      truncated: false,
    });
    expect(other.ok && other.records[1]!.requestBody?.base64).toBe(
      b64(Buffer.from([0, 1, 2, 0xff])),
    );
  });
});
