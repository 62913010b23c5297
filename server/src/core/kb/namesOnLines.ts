/**
 * The ids, names and aliases written on the lines of a KB file's text, read line by line, for a
 * text the YAML parser cannot read: a brief is then told that the broken file defines the name it
 * asks for, and the Add-to-KB quick fix does not add a second entry for a name already there.
 * Only the usual one-line forms are seen (`name: X`, `aliases: [A, B]`, a quoted value).
 */
export function namesOnLines(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*-?\s*(id|name|aliases):[ \t]*(.*?)[ \t]*(?:#.*)?$/gm)) {
    const values = m[1] === 'aliases' ? m[2].replace(/^\[|\]$/g, '').split(',') : [m[2]];
    for (const v of values) {
      const name = v.trim().replace(/^(["'])(.*)\1$/, '$2');
      if (name !== '') names.push(name);
    }
  }
  return names;
}
