/** PN values, PS3.5 6.2.1 and their JSON form, PS3.18 F.2.2. */
import { describe, expect, it } from 'vitest';
import {
  normalizeFuzzyQuery, normalizePersonNameForFuzzy, parsePersonName, personNameComponents,
} from '../../src/dicom/person-name.js';

describe('parsePersonName', () => {
  it('splits component groups', () => {
    expect(parsePersonName('Yamada^Tarou=山田^太郎=やまだ^たろう')).toEqual({
      Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう',
    });
    expect(parsePersonName('Hong^Gildong=洪^吉洞=홍^길동').Phonetic).toBe('홍^길동');
  });

  it('omits empty groups and strips trailing ^ and padding', () => {
    expect(parsePersonName('Wang^XiaoDong=王^小東= ')).toEqual({ Alphabetic: 'Wang^XiaoDong', Ideographic: '王^小東' });
    expect(parsePersonName('Doe^John^^^ ')).toEqual({ Alphabetic: 'Doe^John' });
    expect(parsePersonName('=山田^太郎')).toEqual({ Ideographic: '山田^太郎' });
    expect(parsePersonName('==やまだ')).toEqual({ Phonetic: 'やまだ' });
    expect(parsePersonName('')).toEqual({});
    expect(parsePersonName('^^^^')).toEqual({});
  });

  it('keeps inner empty components', () => {
    expect(parsePersonName('Doe^^Q^Dr')).toEqual({ Alphabetic: 'Doe^^Q^Dr' });
  });
});

describe('personNameComponents', () => {
  it('family, given, middle, prefix, suffix', () => {
    expect(personNameComponents('Adams^John Robert Quincy^^Rev.^B.A. M.Div.')).toEqual(
      ['Adams', 'John Robert Quincy', '', 'Rev.', 'B.A. M.Div.'],
    );
    expect(personNameComponents('Doe')).toEqual(['Doe', '', '', '', '']);
    expect(personNameComponents('')).toEqual(['', '', '', '', '']);
  });
});

describe('normalizePersonNameForFuzzy', () => {
  const key = normalizePersonNameForFuzzy(parsePersonName('Doe^John=山田^太郎'));
  /** What storage does with SQL: key LIKE '%^' || q || '%'. */
  const matches = (query: string) => key.includes(`^${normalizeFuzzyQuery(query)}`);

  it('has the documented shape', () => {
    expect(key).toBe('^DOE^JOHN^^^^=^山田^太郎^^^^');
    expect(normalizePersonNameForFuzzy({})).toBe('');
  });

  it('matches a case-insensitive prefix of any component of any group', () => {
    for (const q of ['doe', 'DO', 'jo', 'John', 'doe^john', 'Doe^Jo', '山', '太郎']) expect(matches(q), q).toBe(true);
    for (const q of ['oe', 'ohn', 'john^doe', 'JOHN^山田', '田']) expect(matches(q), q).toBe(false);
  });

  it('normalises to NFC before upper-casing', () => {
    const decomposed = normalizePersonNameForFuzzy({ Alphabetic: 'Buc^Je\u0301ro\u0302me' });
    expect(decomposed).toBe('^BUC^JÉRÔME^^^^');
    expect(decomposed.includes(`^${normalizeFuzzyQuery('jérô')}`)).toBe(true);
  });
});
