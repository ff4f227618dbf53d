/** A Warning header (RFC 7234 5.5, as PS3.18 8.4.4 uses it) for each message. */
export function warningHeader(messages: readonly string[]): string {
  return messages.map((m) => `299 atrium "${m.replaceAll('"', "'")}"`).join(', ');
}
