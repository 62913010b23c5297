// Writes dist/extension-page.md, the page VS Code's Extensions view shows for Brief (vsce's
// --readme-path), from docs/extension-page.md. That view drops relative links and images (the
// VSIX is no website) and shows images from https: or data: URLs only; Brief has no public
// home, so each image is inlined as a data: URL here, and any other relative link is an error.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

const SOURCE = 'docs/extension-page.md';
const TARGET = 'dist/extension-page.md';
const TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif' };

const text = readFileSync(SOURCE, 'utf8');
const page = text.replace(/(!\[[^\]]*\]\()([^)\s]+)\)/g, (whole, start, target) => {
  if (/^(https:|data:)/.test(target)) return whole;
  const type = TYPES[extname(target).toLowerCase()];
  if (!type) throw new Error(`${SOURCE}: an image the Extensions view can show is PNG, JPEG or GIF: ${target}`);
  return `${start}data:${type};base64,${readFileSync(join(dirname(SOURCE), target)).toString('base64')})`;
});
const relative = [...page.matchAll(/(?<!!)\[[^\]]*\]\((?!https:|#)([^)\s]+)\)/g)].map((m) => m[1]);
if (relative.length > 0) throw new Error(`${SOURCE}: the Extensions view cannot follow relative links: ${relative.join(', ')}`);
mkdirSync(dirname(TARGET), { recursive: true });
writeFileSync(TARGET, page);
console.log(`${TARGET}: ${Math.round(page.length / 1024)} KiB`);
