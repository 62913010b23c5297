/** An in-memory `Workspace` so that core tests never touch the disk they run on. */
import * as fs from 'fs';
import * as path from 'path';
import type { Workspace } from '../../server/src/core/project';

export class MemoryWorkspace implements Workspace {
  readonly files = new Map<string, string>();
  /** Symbolic links: path → target path. */
  readonly links = new Map<string, string>();

  constructor(files: Record<string, string> = {}) {
    for (const [p, text] of Object.entries(files)) this.files.set(p, text);
  }

  async readFile(file: string): Promise<string | undefined> {
    return this.files.get(this.resolveLinks(file));
  }

  async listFiles(folder: string, recursive: boolean): Promise<string[]> {
    const prefix = folder.endsWith('/') ? folder : `${folder}/`;
    return [...this.files.keys()].filter((f) => f.startsWith(prefix) && (recursive || !f.slice(prefix.length).includes('/'))).sort();
  }

  async realPath(file: string): Promise<string | undefined> {
    const real = this.resolveLinks(file);
    const isFolder = [...this.files.keys()].some((f) => f.startsWith(`${real}/`));
    return this.files.has(real) || isFolder ? real : undefined;
  }

  toUri(file: string): string {
    return `file://${file}`;
  }

  private resolveLinks(file: string): string {
    for (const [link, target] of this.links) {
      if (file === link) return target;
      if (file.startsWith(`${link}/`)) return target + file.slice(link.length);
    }
    return file;
  }
}

/** Repo root, from out/test/helpers or test/helpers alike. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', ...(__dirname.includes(`${path.sep}out${path.sep}`) ? ['..'] : []));

/** Copies a folder of the repo into the workspace under `target`. */
export function addFolder(ws: MemoryWorkspace, repoFolder: string, target: string): void {
  const walk = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${rel}/${entry.name}`);
      else ws.files.set(`${target}${rel}/${entry.name}`, fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(REPO_ROOT, repoFolder), '');
}
