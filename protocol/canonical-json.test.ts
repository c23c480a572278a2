// RFC 8785 (JCS): the examples of the RFC itself, then the refusals that keep one value to one spelling.
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from './canonical-json.ts';

const fromBits = (hex: string): number => new DataView(Uint8Array.from(Buffer.from(hex, 'hex')).buffer).getFloat64(0);

describe('canonicalJson (RFC 8785)', () => {
  it('writes the example of §3.2.2: sorted members, no whitespace, JCS numbers and escapes', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as JsonValue;
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units, as §3.2.3 does (an emoji before U+FB33)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read the keys from the text: JSON.parse would put the integer-like "1" first again.
    const order = [...canonicalJson(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(order).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
  });

  it('writes the IEEE 754 values of Appendix B as ECMAScript does', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'], // -0
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of cases) expect(canonicalJson(fromBits(bits)), bits).toBe(text);
  });

  it('keeps array order and nests objects sorted at every level', () => {
    expect(canonicalJson({ b: [3, { z: 1, a: 2 }], a: { y: '', x: null } })).toBe('{"a":{"x":null,"y":""},"b":[3,{"a":2,"z":1}]}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('writes text as UTF-8-ready JSON: controls escaped, everything else as is (no \\u for non-ASCII)', () => {
    expect(canonicalJson('Zürich\t\u0001\u007f\u2028')).toBe('"Zürich\\t\\u0001\u007f\u2028"');
  });

  it('throws a TypeError naming where for what JSON cannot hold', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/the value\.a\[1\] is NaN/);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined } as unknown as JsonValue)).toThrow(/the value\.a is undefined/);
    expect(() => canonicalJson({ d: new Date(0) } as unknown as JsonValue)).toThrow(/the value\.d is an object that is not plain/);
    expect(() => canonicalJson({ n: 1n } as unknown as JsonValue)).toThrow(/bigint/);
  });

  it('refuses an unpaired surrogate, in a value or a key (RFC 7493 §2.1: no UTF-8 for it)', () => {
    expect(() => canonicalJson({ a: 'x\ud800' })).toThrow(/unpaired surrogate/);
    expect(() => canonicalJson({ a: '\udc00x' })).toThrow(TypeError);
    expect(() => canonicalJson({ ['\ud800']: 1 })).toThrow(/a key of the value/);
    expect(canonicalJson('\ud83d\ude00')).toBe('"😀"');
  });
});
