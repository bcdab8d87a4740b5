/** AMQP topic matching: `*` is exactly one dot-separated word, `#` zero or more words. */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const pattern = bindingKey.split(".");
  const words = routingKey === "" ? [] : routingKey.split(".");
  const match = (p: number, w: number): boolean => {
    if (p === pattern.length) return w === words.length;
    const part = pattern[p];
    if (part === "#") return match(p + 1, w) || (w < words.length && match(p, w + 1));
    if (w === words.length) return false;
    return (part === "*" || part === words[w]) && match(p + 1, w + 1);
  };
  return match(0, 0);
}
