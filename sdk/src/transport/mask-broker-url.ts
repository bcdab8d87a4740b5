/** A broker URL as kombu's `as_uri()` shows it: the password replaced by `**` (every alternate of a `;` list). */
export function maskBrokerUrl(url: string): string {
  return url
    .split(";")
    .map((part) => part.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):([^@/]*)@/i, (_, scheme: string, user: string) => `${scheme}${user}:**@`))
    .join(";");
}
