/**
 * Media types as HTTP carries them (RFC 9110 8.3.1, parameters per 5.6.6):
 *
 *   media-type = type "/" subtype parameters
 *   parameters = *( OWS ";" OWS [ parameter ] )
 *   parameter  = parameter-name "=" parameter-value
 *   parameter-value = ( token / quoted-string )
 *
 * Type, subtype and parameter names are case-insensitive and returned lower-cased;
 * parameter values keep their case (their meaning depends on the parameter).
 * PS3.18 8.7 adds that quoted and unquoted values are equivalent, so
 * `type="application/dicom"` and `type=application/dicom` parse alike.
 *
 * The parser is lenient where peers are sloppy: whitespace around "=" and ";",
 * empty parameters (";;"), parameters without "=" (skipped), an unterminated
 * quoted-string (runs to the end). A bad type or subtype token yields null.
 */

export interface MediaType {
  /** Lower-cased top-level type, e.g. "multipart" ("*" in Accept ranges). */
  readonly type: string;
  /** Lower-cased subtype, e.g. "related". */
  readonly subtype: string;
  /** Lower-cased parameter names → values (unquoted, case kept). First one wins. */
  readonly params: Map<string, string>;
}

/** tchar of RFC 9110 5.6.2: any VCHAR except delimiters "(),/:;<=>?@[\]{}" and DQUOTE. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TCHAR.test(s);
}

/** Parses one media type (a Content-Type value, or one element of an Accept list). */
export function parseMediaType(input: string): MediaType | null {
  const s = input;
  let i = 0;
  const n = s.length;
  const skipOws = (): void => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };

  skipOws();
  const slash = s.indexOf('/', i);
  if (slash < 0) return null;
  const type = s.slice(i, slash).trim();
  let end = slash + 1;
  while (end < n && s[end] !== ';') end++;
  const subtype = s.slice(slash + 1, end).trim();
  if (!isToken(type) || !isToken(subtype)) return null;
  i = end;

  const params = new Map<string, string>();
  while (i < n) {
    // Here s[i] is ";" (or we are past a parameter and looking for the next one).
    if (s[i] !== ';') {
      i++;
      continue;
    }
    i++;
    skipOws();
    let nameEnd = i;
    while (nameEnd < n && s[nameEnd] !== '=' && s[nameEnd] !== ';') nameEnd++;
    const name = s.slice(i, nameEnd).trim().toLowerCase();
    i = nameEnd;
    if (i >= n || s[i] === ';') continue; // empty parameter or name without "="
    i++; // "="
    skipOws();
    let value: string;
    if (s[i] === '"') {
      // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 5.6.4)
      i++;
      let out = '';
      while (i < n && s[i] !== '"') {
        if (s[i] === '\\' && i + 1 < n) i++;
        out += s[i];
        i++;
      }
      i++; // closing DQUOTE (or past the end)
      value = out;
    } else {
      let valueEnd = i;
      while (valueEnd < n && s[valueEnd] !== ';') valueEnd++;
      value = s.slice(i, valueEnd).trim();
      i = valueEnd;
    }
    if (name !== '' && isToken(name) && !params.has(name)) params.set(name, value);
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params };
}

/** Quotes a parameter value when it is not a token (RFC 9110 5.6.4 quoted-pair for \ and "). */
export function formatParamValue(value: string): string {
  if (value !== '' && isToken(value)) return value;
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Formats `essence; name=value; ...`, quoting values that need it. Undefined values
 * are skipped, so optional parameters can be passed inline.
 */
export function formatMediaType(
  essence: string,
  params: Iterable<readonly [string, string | undefined]> = [],
): string {
  let out = essence;
  for (const [name, value] of params) {
    if (value === undefined) continue;
    out += `; ${name}=${formatParamValue(value)}`;
  }
  return out;
}
