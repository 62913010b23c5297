/** What the figures were measured on: cores, CPU model, memory, OS and Node versions, and what fresh memory costs. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';

export interface MachineInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly memory: string;
  readonly os: string;
  readonly node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The version a Node binary reports, e.g. "v20.20.2". */
export function nodeVersionOf(binary: string): string {
  if (binary === process.execPath) return process.version;
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores · ${m.cpu} · ${m.memory} RAM · ${m.os} · bench Node ${m.node}`;
}

/**
 * Microseconds for the first touch of a page of fresh memory in this process (64 MiB, one byte
 * every 4 KiB; the median of three). Where it is dear (10–14 µs on the virtual machine of round
 * 16), every figure that takes much fresh memory pays for it: a process's start, a KB load, the
 * first opens of a large brief. Runs on machines where it costs otherwise are not comparable
 * figure by figure.
 */
export function pageTouchMicroseconds(): number {
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const buffer = Buffer.allocUnsafeSlow(64 << 20); // above malloc's mmap threshold: pages no one has touched
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < buffer.length; i += 4096) buffer[i] = 1;
    runs.push(Number(process.hrtime.bigint() - t0) / 1000 / (buffer.length / 4096));
  }
  return runs.sort((a, b) => a - b)[1];
}

/**
 * The kernel's transparent huge page mode (`always`, `madvise` or `never`), or `n/a` off Linux.
 * With `madvise`, a server whose malloc asks for huge pages (the extension's `glibc.malloc.hugetlb=1`)
 * gets its large blocks 2 MiB at a time; with `never`, it does not.
 */
export function transparentHugePages(): string {
  try {
    return /\[(\w+)\]/.exec(fs.readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'n/a';
  }
}
