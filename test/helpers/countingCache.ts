/**
 * Brief's disk cache of KB readings (node/kbCache.ts), counting the stored verdicts it gives and
 * stores, and keeping the entity readings it hands out, for tests of warm loads.
 */
import type { FileReading, FileReadingCache, KbVerdict, VerdictInput } from '../../server/src/core/kb/fileCache';
import type { DataFileInput } from '../../server/src/core/kb/loader';
import { DiskReadingCache } from '../../server/src/node/kbCache';

export class CountingCache implements FileReadingCache {
  /** Verdicts given back (a load that replayed one). */
  hits = 0;
  /** Verdicts stored. */
  stored = 0;
  /** The entity files' readings handed out, in order. */
  readonly entityReadings: FileReading[] = [];
  private readonly disk: DiskReadingCache;

  constructor(folder: string) {
    this.disk = new DiskReadingCache([], folder);
  }
  get(input: DataFileInput, kind: 'entities' | 'source'): FileReading | undefined {
    const reading = this.disk.get(input, kind);
    if (reading && kind === 'entities') this.entityReadings.push(reading);
    return reading;
  }
  set(input: DataFileInput, kind: 'entities' | 'source', reading: FileReading): void {
    this.disk.set(input, kind, reading);
  }
  getVerdict(files: readonly VerdictInput[], checks: string): KbVerdict | undefined {
    const verdict = this.disk.getVerdict(files, checks);
    if (verdict) this.hits++;
    return verdict;
  }
  setVerdict(files: readonly VerdictInput[], checks: string, verdict: KbVerdict): void {
    this.stored++;
    this.disk.setVerdict(files, checks, verdict);
  }
}
