/**
 * How messages name KB files: by a path from the file the message is on, or by as much of their
 * path as tells them apart.
 */

/**
 * `to` as a path from the folder of `from` (`a.yaml`, `../kb/a.yaml`), as the analyst finds it
 * beside the file the message is on; `to` itself when the two are not on one scheme and host.
 */
export function relativeUri(from: string, to: string): string {
  const split = /^([a-z][\w+.-]*:\/\/[^/]*)(\/.*)$/i;
  const f = split.exec(from);
  const t = split.exec(to);
  if (!f || !t || f[1] !== t[1]) return to;
  const folder = f[2].split('/').slice(0, -1);
  const target = t[2].split('/');
  let common = 0;
  while (common < folder.length && common < target.length - 1 && folder[common] === target[common]) common++;
  const path = [...Array<string>(folder.length - common).fill('..'), ...target.slice(common)].join('/');
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Each URI's file name, with as many folders before it as tell it from the others
 * (`kb/bad.yaml` and `y/bad.yaml`), decoded for reading.
 */
export function namesApart(uris: Iterable<string>): Map<string, string> {
  const all = [...uris].map((uri) => uri.split('/'));
  const tail = (parts: string[], n: number) => parts.slice(-n).join('/');
  const shown = new Map<string, string>();
  for (const parts of all) {
    let n = 1;
    while (n < parts.length && all.some((other) => other !== parts && tail(other, n) === tail(parts, n))) n++;
    let name = tail(parts, n);
    try {
      name = decodeURIComponent(name);
    } catch {
      // Not percent-encoding after all: shown as it is.
    }
    shown.set(parts.join('/'), name);
  }
  return shown;
}
