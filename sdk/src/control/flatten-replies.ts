/**
 * Celery's `flatten_reply` (C:celery/app/control.py): merges the list of `{nodename: reply}` objects `inspect`
 * collects into one `{nodename: reply}` map (a node that answered twice keeps its last reply).
 */
export function flattenReplies(replies: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const reply of replies) {
    for (const [node, value] of Object.entries(reply)) out[node] = value;
  }
  return out;
}
