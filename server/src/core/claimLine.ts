/**
 * Where a claim starts on a line (spec §3.5): the `claim:` keyword after the line's quote and
 * list markers. The parser asks for every line that holds a `:`.
 */
/**
 * Where `claim:` starts when the line is a claim: after optional indentation and any run of
 * block-quote markers and list markers (`- `, `* `, `+ `, `1. `, `1) `; a list marker may carry a
 * task box, `[ ] ` or `[x] `), in any case; -1 otherwise. Markdown nests them either way round
 * (`> - claim:` is a list in a quote, `- > claim:` a quote in a list item), and a claim the
 * analyst wrote in either must be checked, not passed over in silence.
 * A hand-written scan: a regular expression here overflowed the stack on a line of 10⁵ `>`.
 */
export function claimKeyword(line: string, end: number): number {
  if (!line.includes(':')) return -1;
  let i = blankEnd(line, 0, end);
  for (;;) {
    if (line.charCodeAt(i) === 0x3e /* > */) {
      i = blankEnd(line, i + 1, end);
      continue;
    }
    const marker = listMarkerEnd(line, i, end);
    if (marker < 0) break;
    i = blankEnd(line, marker, end);
    const box = line.charCodeAt(i + 1);
    if (line.charCodeAt(i) === 0x5b /* [ */ && (box === 0x20 || box === 0x78 /* x */ || box === 0x58 /* X */) && line.charCodeAt(i + 2) === 0x5d /* ] */ && blankEnd(line, i + 3, end) > i + 3) {
      i = blankEnd(line, i + 3, end);
    }
  }
  return i + 6 <= end && startsWithClaim(line, i) ? i : -1;
}

/** Where a list marker at `i` (`-`, `*`, `+`, `1.`, `1)`) ends, when a blank follows it; -1 otherwise. */
function listMarkerEnd(line: string, i: number, end: number): number {
  const c = line.charCodeAt(i);
  let after = i;
  if (c === 0x2d /* - */ || c === 0x2a /* * */ || c === 0x2b /* + */) after = i + 1;
  else {
    let d = i;
    while (d < end && line.charCodeAt(d) >= 0x30 && line.charCodeAt(d) <= 0x39) d++;
    const next = line.charCodeAt(d);
    if (d > i && (next === 0x2e /* . */ || next === 0x29 /* ) */)) after = d + 1;
  }
  return after > i && blankEnd(line, after, end) > after ? after : -1;
}

/** Where a run of spaces and tabs from `from` ends (at most `end`). */
function blankEnd(line: string, from: number, end: number): number {
  let k = from;
  while (k < end && (line.charCodeAt(k) === 0x20 || line.charCodeAt(k) === 0x09)) k++;
  return k;
}

/**
 * Whether `claim:` in any case starts at `at`. Most lines that hold a `:` (every citation with a
 * paragraph has one) get this far: the first letter turns nearly all of them away before any
 * string is made.
 */
function startsWithClaim(line: string, at: number): boolean {
  if ((line.charCodeAt(at) | 0x20) !== 0x63 /* c */) return false;
  return line.startsWith('claim:', at) || line.slice(at, at + 6).toLowerCase() === 'claim:';
}
