// CrewAI's placeholder syntax (`{topic}`, `{current_year}`). `{{` and `}}` are matched first so
// that doubled braces never open or close a placeholder; JSON such as `{"a": 1}` never matches.
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/**
 * Replaces CrewAI `{name}` placeholders with `variables[name]`, in one pass (a substituted
 * value is never scanned again). Unknown placeholders stay as they are and are listed, once
 * each, in `missing`. Doubled braces are left verbatim, as CrewAI leaves them.
 */
export function interpolate(
  template: string,
  variables: Readonly<Record<string, string>>,
): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (match, name: string | undefined) => {
    if (name === undefined) return match;
    if (Object.hasOwn(variables, name)) return variables[name] ?? match;
    if (!missing.includes(name)) missing.push(name);
    return match;
  });
  return { text, missing };
}

/** The placeholder names `template` uses, once each, in order of appearance. */
export function placeholderNames(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}
