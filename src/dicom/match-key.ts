/**
 * QIDO-RS matching keys, parsed per PS3.4 C.2.2.2. Implementation pending
 * (storage helper); the type is the contract.
 */
export type MatchKey =
  /** C.2.2.2.3 universal matching: empty value, attribute returned, no filtering. */
  | { kind: 'universal' }
  /** C.2.2.2.1 single value matching. */
  | { kind: 'single'; value: string }
  /** C.2.2.2.2 list of UID matching. */
  | { kind: 'list'; values: string[] }
  /** C.2.2.2.4 wild card matching: '*' any run, '?' one character. */
  | { kind: 'wildcard'; pattern: string }
  /** C.2.2.2.5 range matching for DA, TM, DT; either end may be open. */
  | { kind: 'range'; from?: string; to?: string };
