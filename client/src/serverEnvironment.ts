/**
 * What the extension adds to the language server's environment (the rest is the extension
 * host's, as the language client passes it on).
 *
 * On Linux it asks glibc's malloc to back its large blocks with transparent huge pages
 * (`glibc.malloc.hugetlb=1`, glibc 2.35 and later), so that the kernel hands the server fresh
 * memory 2 MiB at a time instead of 4 KiB. A warm start reads a KB's stored readings into such
 * blocks and keeps their numbers and text in them (kbCache.ts): with 100,000 entities, some 70 MB
 * taken at once. On the virtual machine Brief is measured on, where a first touch of a 4 KiB page
 * costs 11–12 µs and of a huge page 0.3 µs per 4 KiB, warm starts took 610–720 ms with the
 * setting and 780–850 without, at 162–171 MiB of resident memory either way
 * (docs/performance.md, round 17).
 * V8's own heap is unaffected: V8 maps its pages itself.
 *
 * Only memory that malloc takes from the kernel with `madvise` is concerned, so a kernel whose
 * transparent huge pages are `never` ignores it, as do older glibc releases and other C libraries.
 * An analyst's own `GLIBC_TUNABLES` are kept, and one that already says how malloc uses huge
 * pages wins (`glibc.malloc.hugetlb=0` turns this off).
 */

/** The glibc tunable that says how malloc uses huge pages. */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb';

/**
 * The variables to set for the server, given the environment it inherits and the platform
 * (`process.platform`): none off Linux or where the analyst has chosen already.
 */
export function serverEnvironment(inherited: Readonly<Record<string, string | undefined>>, platform: string): Record<string, string> {
  if (platform !== 'linux') return {};
  const tunables = inherited.GLIBC_TUNABLES ?? '';
  const chosen = tunables.split(':').some((entry) => entry.split('=')[0].trim() === HUGE_PAGES_TUNABLE);
  if (chosen) return {};
  const ours = `${HUGE_PAGES_TUNABLE}=1`;
  return { GLIBC_TUNABLES: tunables === '' ? ours : `${tunables}:${ours}` };
}
