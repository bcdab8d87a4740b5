/** The default export name of a task: the last dot-separated part of its name in camelCase (`proj.tasks.send_mail` → `sendMail`). */
export function toExportName(taskName: string): string {
  const last =
    taskName
      .split(".")
      .filter((part) => part !== "")
      .pop() ?? taskName;
  const camel = last.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_match, next: string) => next.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, "");
  return /^[0-9]/.test(camel) ? `_${camel}` : camel;
}
