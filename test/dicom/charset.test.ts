/**
 * Specific Character Set decoding (PS3.5 6.1, PS3.3 C.12.1.1.2) against the
 * real charset sample files (David Clunie's set, via pydicom). Expected strings
 * are those pydicom's tests/test_charset.py asserts for the same files.
 */
import { readFileSync } from 'node:fs';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { charsetsFromValue, decodeString } from '../../src/dicom/charset.js';

const TESTDATA = new URL('../../../shared/testdata/files/', import.meta.url);

/** Raw bytes of an element; `path` walks into first sequence items: ['x00321064', 'x00100010']. */
function rawBytes(file: string, ...path: string[]): { bytes: Uint8Array; charset: string[] } {
  let ds = dicomParser.parseDicom(new Uint8Array(readFileSync(new URL(file, TESTDATA))));
  const top = ds;
  for (const tag of path.slice(0, -1)) {
    const item = ds.elements[tag]?.items?.[0]?.dataSet;
    if (!item) throw new Error(`${file}: no item in ${tag}`);
    ds = item;
  }
  const slice = (d: typeof ds, tag: string): Uint8Array => {
    const el = d.elements[tag];
    if (!el) throw new Error(`${file}: no ${tag}`);
    return d.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  };
  // (0008,0005) of the enclosing dataset applies inside sequences (PS3.5 6.1.2.5.3 / PS3.3 C.12.1.1.2).
  const scs = top.elements['x00080005'] ? Buffer.from(slice(top, 'x00080005')).toString('latin1') : '';
  return { bytes: slice(ds, path[path.length - 1] as string), charset: charsetsFromValue(scs) };
}

function decodeFileElement(file: string, kind: 'text' | 'pn', ...path: string[]): string {
  const { bytes, charset } = rawBytes(file, ...path);
  return decodeString(bytes, charset, kind);
}

describe('real files: PatientName (0010,0010), padding kept', () => {
  const cases: [string, string][] = [
    ['pydicom/charset/chrFrenMulti.dcm', 'Buc^Jérôme'],
    ['pydicom/charset/chrGerm.dcm', 'Äneas^Rüdiger '],
    ['pydicom/charset/chrGreek.dcm', 'Διονυσιος '],
    ['pydicom/charset/chrHbrw.dcm', 'שרון^דבורה'],
    ['pydicom/charset/chrI2.dcm', 'Hong^Gildong=洪^吉洞=홍^길동'],
    ['pydicom/charset/chrJapMultiExplicitIR6.dcm', 'やまだ^たろう '],
    ['pydicom/charset/chrRuss.dcm', 'Люкceмбypг'],
    ['pydicom/charset/chrX1.dcm', 'Wang^XiaoDong=王^小東= '],
    ['pydicom/charset/chrX2.dcm', 'Wang^XiaoDong=王^小东='],
    ['fo-dicom/GH1301.dcm', 'Wang^XiaoDong=王^小东='],
  ];
  for (const [file, expected] of cases) {
    it(file, () => {
      expect(decodeFileElement(file, 'pn', 'x00100010')).toBe(expected);
    });
  }

  it('chrSQEncoding1: item inherits the ISO 2022 IR 13\\ISO 2022 IR 87 of its parent', () => {
    expect(decodeFileElement('pydicom/charset/chrSQEncoding1.dcm', 'pn', 'x00321064', 'x00100010')).toBe(
      'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう',
    );
  });

  it('multi-valued OtherPatientNames (0010,1001) resets at each backslash', () => {
    expect(decodeFileElement('pydicom/charset/chrJapMultiExplicitIR6.dcm', 'pn', 'x00101001')).toBe(
      'やまだ^たろう\\やまだ^たろう ',
    );
    expect(decodeFileElement('pydicom/charset/chrFrenMulti.dcm', 'pn', 'x00101001')).toBe(
      'Buc^Jérôme\\Buc^Jérôme ',
    );
  });

  it('GB18030 text element: GH1301 PatientSex is 男', () => {
    expect(decodeFileElement('fo-dicom/GH1301.dcm', 'text', 'x00100040')).toBe('男');
  });

  it("misspelled 'ISO-IR 100' is read as ISO_IR 100", () => {
    const file = 'dicomParser/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm';
    expect(rawBytes(file, 'x00100010').charset).toEqual(['ISO-IR 100']);
    expect(decodeFileElement(file, 'pn', 'x00100010')).toBe('US Echo ');
  });
});

/** Bytes from a mix of ASCII strings and byte arrays. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
}
const ESC = 0x1b;
const JIS_B = [ESC, 0x24, 0x42]; // ESC $ B: JIS X 0208 into G0
const ASCII = [ESC, 0x28, 0x42]; // ESC ( B
const ROMAJI = [ESC, 0x28, 0x4a]; // ESC ( J
const KSC = [ESC, 0x24, 0x29, 0x43]; // ESC $ ) C

describe('sample values of files not in the shared set (PS3.5 Annex H, I; pydicom data)', () => {
  const yamada = [JIS_B, ';3ED', ASCII, '^', JIS_B, 'B@O:', ASCII] as const; // 山田^太郎
  const hiragana = [JIS_B, '$d$^$@', ASCII, '^', JIS_B, '$?$m$&', ASCII] as const; // やまだ^たろう

  it('chrH31 (\\ISO 2022 IR 87)', () => {
    const b = bytes('Yamada^Tarou=', ...yamada, '=', ...hiragana);
    expect(decodeString(b, ['', 'ISO 2022 IR 87'], 'pn')).toBe('Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  it('chrH32 (ISO 2022 IR 13\\ISO 2022 IR 87), returning to G0 with ESC ( J', () => {
    const toRomaji = (p: readonly (string | number[])[]) => p.map((x) => (x === ASCII ? ROMAJI : x));
    const b = bytes([0xd4, 0xcf, 0xc0, 0xde], '^', [0xc0, 0xdb, 0xb3], '=', ...toRomaji(yamada), '=', ...toRomaji(hiragana));
    expect(decodeString(b, ['ISO 2022 IR 13', 'ISO 2022 IR 87'], 'pn')).toBe('ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });

  it('chrJapMulti (\\ISO 2022 IR 87, hiragana only)', () => {
    expect(decodeString(bytes(...hiragana), ['', 'ISO 2022 IR 87'], 'pn')).toBe('やまだ^たろう');
  });

  it('chrKoreanMulti (\\ISO 2022 IR 149)', () => {
    const b = bytes(KSC, [0xb1, 0xe8, 0xc8, 0xf1, 0xc1, 0xdf]);
    expect(decodeString(b, ['', 'ISO 2022 IR 149'], 'pn')).toBe('김희중');
  });

  it('ISO 2022 IR 149 alone, EUC-KR bytes without escape sequences (common in practice)', () => {
    expect(decodeString(bytes([0xb1, 0xe8, 0xc8, 0xf1, 0xc1, 0xdf]), ['ISO 2022 IR 149'], 'pn')).toBe('김희중');
    expect(decodeString(bytes([0xb1, 0xe8, 0xc8, 0xf1, 0xc1, 0xdf]), ['ISO_IR 149'], 'pn')).toBe('김희중');
  });

  it('chrArab (ISO_IR 127)', () => {
    const b = bytes([0xe2, 0xc8, 0xc7, 0xe6, 0xea], '^', [0xe4, 0xe6, 0xd2, 0xc7, 0xd1]);
    expect(decodeString(b, ['ISO_IR 127'], 'pn')).toBe('قباني^لنزار');
  });

  it('chrFren (ISO_IR 100 is exact ISO 8859-1, not windows-1252)', () => {
    expect(decodeString(bytes('Buc^J', [0xe9], 'r', [0xf4], 'me'), ['ISO_IR 100'], 'pn')).toBe('Buc^Jérôme');
    expect(decodeString(bytes([0x80, 0x9f]), ['ISO_IR 100'], 'text')).toBe('\u0080\u009f');
  });

  it('JIS X 0212 via ESC $ ( D (ISO 2022 IR 159): Mori^Ogai=森^鷗外=もり^おうがい', () => {
    const b = bytes(
      'Mori^Ogai=', JIS_B, '?9', ASCII, '^', [ESC, 0x24, 0x28, 0x44], 'l?', JIS_B, '30', ASCII,
      '=', JIS_B, '$b$j', ASCII, '^', JIS_B, '$*$&$,$$', ASCII,
    );
    expect(decodeString(b, ['ISO 2022 IR 6', 'ISO 2022 IR 87', 'ISO 2022 IR 159'], 'pn')).toBe(
      'Mori^Ogai=森^鷗外=もり^おうがい',
    );
  });

  it('GB 2312 via ESC $ ) A (ISO 2022 IR 58)', () => {
    const b = bytes('Wang^XiaoDong=', [ESC, 0x24, 0x29, 0x41, 0xcd, 0xf5], '^', [ESC, 0x24, 0x29, 0x41, 0xd0, 0xa1, 0xb6, 0xab]);
    expect(decodeString(b, ['', 'ISO 2022 IR 58'], 'pn')).toBe('Wang^XiaoDong=王^小东');
  });
});

describe('single-byte code extensions (PS3.3 Table C.12-3)', () => {
  // Encoded names from pydicom's tests/test_charset.py ENCODED_NAMES.
  const cases: [string, string, number[]][] = [
    ['ISO 2022 IR 13', 'ﾔﾏﾀﾞ^ﾀﾛｳ', [0x1b, 0x29, 0x49, 0xd4, 0xcf, 0xc0, 0xde, 0x5e, 0x1b, 0x29, 0x49, 0xc0, 0xdb, 0xb3]],
    ['ISO 2022 IR 100', 'Buc^Jérôme', [0x1b, 0x2d, 0x41, 0x42, 0x75, 0x63, 0x5e, 0x1b, 0x2d, 0x41, 0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65]],
    ['ISO 2022 IR 101', 'Wałęsa', [0x1b, 0x2d, 0x42, 0x57, 0x61, 0xb3, 0xea, 0x73, 0x61]],
    ['ISO 2022 IR 109', 'antaŭnomo', [0x1b, 0x2d, 0x43, 0x61, 0x6e, 0x74, 0x61, 0xfd, 0x6e, 0x6f, 0x6d, 0x6f]],
    ['ISO 2022 IR 110', 'vārds', [0x1b, 0x2d, 0x44, 0x76, 0xe0, 0x72, 0x64, 0x73]],
    ['ISO 2022 IR 127', 'قباني^لنزار', [0x1b, 0x2d, 0x47, 0xe2, 0xc8, 0xc7, 0xe6, 0xea, 0x5e, 0x1b, 0x2d, 0x47, 0xe4, 0xe6, 0xd2, 0xc7, 0xd1]],
    ['ISO 2022 IR 126', 'Διονυσιος', [0x1b, 0x2d, 0x46, 0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2]],
    ['ISO 2022 IR 138', 'שרון^דבורה', [0x1b, 0x2d, 0x48, 0xf9, 0xf8, 0xe5, 0xef, 0x5e, 0x1b, 0x2d, 0x48, 0xe3, 0xe1, 0xe5, 0xf8, 0xe4]],
    ['ISO 2022 IR 144', 'Люкceмбypг', [0x1b, 0x2d, 0x4c, 0xbb, 0xee, 0xda, 0x63, 0x65, 0xdc, 0xd1, 0x79, 0x70, 0xd3]],
    ['ISO 2022 IR 148', 'Çavuşoğlu', [0x1b, 0x2d, 0x4d, 0xc7, 0x61, 0x76, 0x75, 0xfe, 0x6f, 0xf0, 0x6c, 0x75]],
    ['ISO 2022 IR 166', 'นามสกุล', [0x1b, 0x2d, 0x54, 0xb9, 0xd2, 0xc1, 0xca, 0xa1, 0xd8, 0xc5]],
    ['ISO 2022 IR 203', 'Œuvre €', [0x1b, 0x2d, 0x62, 0xbc, 0x75, 0x76, 0x72, 0x65, 0x20, 0xa4]],
  ];
  for (const [term, decoded, raw] of cases) {
    it(term, () => {
      expect(decodeString(bytes('ASCII+', raw), ['', term], 'pn')).toBe(`ASCII+${decoded}`);
    });
  }

  it('PN: after ^ the initial set is back (missing escape reads as the default)', () => {
    const b = bytes('ASCII+', [0x1b, 0x29, 0x49, 0xd4, 0xcf, 0xc0, 0xde, 0x5e, 0xc0, 0xdb, 0xb3]);
    expect(decodeString(b, ['', 'ISO 2022 IR 13'], 'pn')).toBe('ASCII+ﾔﾏﾀﾞ^ÀÛ³');
  });

  it('text: ^ is not a delimiter, the designation holds', () => {
    const b = bytes([0x1b, 0x29, 0x49, 0xd4, 0x5e, 0xc0]);
    expect(decodeString(b, ['', 'ISO 2022 IR 13'], 'text')).toBe('ﾔ^ﾀ');
  });

  it('text: CR LF re-invoke the initial set', () => {
    const b = bytes('a', [0x1b, 0x2d, 0x46, 0xc4], '\r\n', [0xc4]);
    expect(decodeString(b, ['ISO 2022 IR 100', 'ISO 2022 IR 126'], 'text')).toBe('aΔ\r\nÄ');
  });

  it('value 1 applies where no escape is given; switching inside a value', () => {
    expect(decodeString(bytes('R', [0xf6], 'ntgenaufnahme'), ['ISO 2022 IR 100', 'ISO 2022 IR 144'], 'text')).toBe(
      'Röntgenaufnahme',
    );
    const b = bytes('Dionysios is ', [0x1b, 0x2d, 0x46, 0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2]);
    expect(decodeString(b, ['ISO 2022 IR 100', 'ISO 2022 IR 126'], 'text')).toBe('Dionysios is Διονυσιος');
  });

  it('multiple values in different sets', () => {
    const b = bytes(
      'Buc^J', [0xe9], 'r', [0xf4], 'me\\', [0x1b, 0x2d, 0x46, 0xc4, 0xe9, 0xef, 0xed, 0xf5, 0xf3, 0xe9, 0xef, 0xf2],
      '\\', [0x1b, 0x2d, 0x4c, 0xbb, 0xee, 0xda, 0x63, 0x65, 0xdc, 0xd1, 0x79, 0x70, 0xd3],
    );
    expect(decodeString(b, ['ISO 2022 IR 100', 'ISO 2022 IR 144', 'ISO 2022 IR 126'], 'pn')).toBe(
      'Buc^Jérôme\\Διονυσιος\\Люкceмбypг',
    );
  });
});

describe('single encodings and robustness', () => {
  it('ISO_IR 192 is UTF-8 and ignores code extensions', () => {
    const b = bytes('Buc^J', [0xc3, 0xa9], 'r', [0xc3, 0xb4], 'me');
    expect(decodeString(b, ['ISO_IR 192'], 'pn')).toBe('Buc^Jérôme');
    expect(decodeString(b, ['ISO_IR 192', 'ISO 2022 IR 100'], 'pn')).toBe('Buc^Jérôme');
    expect(decodeString(b, ['ISO IR 192'], 'pn')).toBe('Buc^Jérôme');
  });

  it('ISO_IR 13 (JIS X 0201) and ISO_IR 166 (TIS 620) alone', () => {
    expect(decodeString(bytes('AB', [0xd4, 0xcf]), ['ISO_IR 13'], 'pn')).toBe('ABﾔﾏ');
    expect(decodeString(bytes([0xb9, 0xd2, 0xc1]), ['ISO_IR 166'], 'pn')).toBe('นาม');
  });

  it('ISO_IR 148 is exact ISO 8859-9 (not windows-1254)', () => {
    expect(decodeString(bytes([0xc7, 0xfe, 0xf0, 0xdd, 0xfd, 0x80]), ['ISO_IR 148'], 'text')).toBe('Çşğİı\u0080');
  });

  it('GBK', () => {
    expect(decodeString(bytes([0xcd, 0xf5]), ['GBK'], 'pn')).toBe('王');
  });

  it('default repertoire and unknown terms decode as ISO 8859-1, never throw', () => {
    expect(decodeString(bytes('Buc^J', [0xe9]), [], 'pn')).toBe('Buc^Jé');
    expect(decodeString(bytes('Buc^J', [0xe9]), [''], 'pn')).toBe('Buc^Jé');
    expect(decodeString(bytes('x', [0xe9]), ['UNSUPPORTED'], 'text')).toBe('xé');
    expect(decodeString(bytes('x', [0xe9]), ['', 'ISO 2022 IR 999'], 'text')).toBe('xé');
  });

  it('malformed ISO 2022 input degrades without throwing', () => {
    // unknown escape kept visible; truncated two-byte character → U+FFFD; lone ESC
    expect(decodeString(bytes([0x1b, 0x2d, 0x5a], 'a'), ['', 'ISO 2022 IR 87'], 'text')).toBe('\x1b-Za');
    expect(decodeString(bytes(JIS_B, '$'), ['', 'ISO 2022 IR 87'], 'text')).toBe('\ufffd');
    expect(decodeString(bytes('a', [0x1b]), ['', 'ISO 2022 IR 87'], 'text')).toBe('a\x1b');
    expect(decodeString(bytes([0x1b, 0x24, 0x29, 0x43, 0xff, 0xff]), ['', 'ISO 2022 IR 149'], 'text')).toContain('\ufffd');
  });
});

describe('charsetsFromValue', () => {
  it('splits, trims and keeps an empty value 1', () => {
    expect(charsetsFromValue('ISO_IR 100')).toEqual(['ISO_IR 100']);
    expect(charsetsFromValue('\\ISO 2022 IR 149')).toEqual(['', 'ISO 2022 IR 149']);
    expect(charsetsFromValue('ISO 2022 IR 13\\ISO 2022 IR 87 ')).toEqual(['ISO 2022 IR 13', 'ISO 2022 IR 87']);
    expect(charsetsFromValue('GB18030 ')).toEqual(['GB18030']);
    expect(charsetsFromValue('ISO_IR 192\0')).toEqual(['ISO_IR 192']);
    expect(charsetsFromValue('')).toEqual([]);
    expect(charsetsFromValue('  ')).toEqual([]);
  });
});
