/**
 * The ids, names and aliases written on the lines of a KB file's text, read line by line, for a
 * text the YAML parser cannot read: a brief is then told that the broken file defines the name it
 * asks for, and the Add-to-KB quick fix does not add a second entry for a name already there.
 * Only the usual one-line forms are seen (`name: X`, `aliases: [A, B]`, a quoted value).
 */
export function namesOnLines(text: string): string[] {
  return labelsOnLines(text).map((label) => label.value);
}

/** The same, each with the key it is written under (`id`, `name` or `aliases`). */
export function labelsOnLines(text: string): { key: string; value: string }[] {
  const labels: { key: string; value: string }[] = [];
  // Blanks matched by one run each, and the comment cut in code: two runs that could share the
  // same blanks, or a lazy value before a comment, made a line of 100,000 spaces cost seconds.
  for (const m of text.matchAll(/^[ \t]*(?:-[ \t]*)?(id|name|aliases):(.*)$/gm)) {
    const comment = m[2].search(/(?:^|[ \t])#/);
    const value = (comment < 0 ? m[2] : m[2].slice(0, comment)).trim();
    const values = m[1] === 'aliases' ? value.replace(/^\[|\]$/g, '').split(',') : [value];
    for (const v of values) {
      const name = v.trim().replace(/^(["'])(.*)\1$/, '$2');
      if (name !== '') labels.push({ key: m[1], value: name });
    }
  }
  return labels;
}
