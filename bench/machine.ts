/** What the figures were measured on: cores, CPU model, memory, OS and Node versions. */
import { execFileSync } from 'child_process';
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
