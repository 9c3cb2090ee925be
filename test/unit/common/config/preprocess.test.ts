/**
 * Line pre-processing (run_manage_command steps 1-8) and the map back to original columns.
 */
import { describe, expect, test } from 'vitest';
import { preprocessLine, spanOf } from '../../../../proxy-core/src/common/config/preprocess.js';
import { parseLine } from '../../../../proxy-core/src/common/config/index.js';
import { env } from './helpers.js';

const E = env({
  vars: { PORT: '8080', EMPTY: '', SPACED: ' lead' },
  interfaces: { eth0: '127.1.2.3' },
});

describe('preprocessLine', () => {
  test('strips the comment, trims and collapses whitespace, lower-cases before =', () => {
    const p = preprocessLine('  SET   Foo.Bar\t=  Mixed   Case  # Comment', E, 3);
    expect(p.text).toBe('set foo.bar = Mixed Case');
    expect(p.orig).toBe('SET Foo.Bar = Mixed Case');
    expect(p.comment).toBe(' Comment');
  });

  test('a line without = is lower-cased entirely', () => {
    expect(preprocessLine('HEADER Svc INSERT X-Foo: Bar', E, 1).text).toBe(
      'header svc insert x-foo: bar',
    );
  });

  test('$VAR and ${ip:iface} expand; orig keeps them', () => {
    const p = preprocessLine('SET listen = ${ip:eth0}:$PORT', E, 1);
    expect(p.text).toBe('set listen = 127.1.2.3:8080');
    expect(p.orig).toBe('SET listen = ${ip:eth0}:$PORT');
  });

  test('unknown ${...} forms are errors, not crashes', () => {
    expect(preprocessLine('SET x = ${foo}', E, 1).diagnostics[0]).toMatchObject({
      code: 'unknown_variable',
      perlbal: 'Unknown config variable: foo',
    });
    expect(preprocessLine('SET x = ${env:foo}', E, 1).diagnostics[0]).toMatchObject({
      perlbal: 'Unknown config variable type: env',
    });
    expect(preprocessLine('SET x = ${ip:eth9}', E, 1).diagnostics[0]).toMatchObject({
      code: 'unknown_interface',
      perlbal: "Can't find IP of interface 'eth9'",
      span: { column: 9, endColumn: 19 },
    });
  });

  test('a line that expands to leading whitespace is ignored, like Perlbal', () => {
    const r = parseLine('$SPACED stuff', E);
    expect(r.command!.kind).toBe('ignored');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['line_ignored']);
    expect(parseLine('$EMPTY', E).command!.kind).toBe('ignored');
  });

  test('processed ranges map back to original columns', () => {
    const p = preprocessLine('  SET   persist_backnd   = on', E, 7);
    const at = p.text.indexOf('persist_backnd');
    expect(spanOf(p, at, at + 'persist_backnd'.length)).toEqual({
      line: 7,
      column: 9,
      endLine: 7,
      endColumn: 23,
    });
  });

  test('expanded text maps to the whole variable reference', () => {
    const p = preprocessLine('SET listen = $PORT', E, 1);
    expect(spanOf(p, 13, 17)).toMatchObject({ column: 14, endColumn: 19 });
  });

  test('an = at the very start lower-cases nothing (and is an invalid command)', () => {
    expect(preprocessLine('=ABC', E, 1).text).toBe('=ABC');
    expect(parseLine('=ABC', E).diagnostics[0]).toMatchObject({
      code: 'invalid_command',
      perlbal: 'invalid command',
    });
  });

  test('only ASCII is lower-cased, so columns never shift', () => {
    expect(preprocessLine('SET ÄBC = x', E, 1).text).toBe('set Äbc = x');
  });

  test('CR before LF is whitespace', () => {
    expect(preprocessLine('ENABLE web\r', E, 1).text).toBe('enable web');
  });
});
