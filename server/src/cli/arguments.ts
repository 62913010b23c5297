/** brief-lint's command line, parsed without a dependency. */

export interface LintOptions {
  readonly paths: string[];
  readonly format: 'text' | 'json' | 'sarif';
  readonly config?: string;
  readonly kb: string[];
  readonly help: boolean;
  readonly version: boolean;
}

export const USAGE = `Usage: brief-lint [options] [path|glob|- …]

Checks briefs (*.brief) against Brief's knowledge base. With no path, every *.brief under
the current folder; - reads one brief from standard input, shown as <stdin>. KB, source and
.briefrc.yaml files given as paths are checked too.

Options:
  --format text|json|sarif  output format (default: text)
  --config FILE             use this config instead of the nearest .briefrc.yaml
  --kb FILE                 an extra KB file (repeatable)
  -h, --help                show this help
  --version                 print the version

Exit status: 0 no errors, 1 at least one error, 2 bad usage, unreadable input or broken config.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;

export function parseArguments(argv: readonly string[]): LintOptions | { error: string } {
  const paths: string[] = [];
  const kb: string[] = [];
  let format: LintOptions['format'] = 'text';
  let config: string | undefined;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--format': {
        const v = value();
        if (!v || !(FORMATS as readonly string[]).includes(v)) return { error: `--format takes one of ${FORMATS.join(', ')}` };
        format = v as LintOptions['format'];
        break;
      }
      case '--config': {
        const v = value();
        if (!v) return { error: '--config takes a file' };
        config = v;
        break;
      }
      case '--kb': {
        const v = value();
        if (!v) return { error: '--kb takes a file' };
        kb.push(v);
        break;
      }
      case '-h':
      case '--help':
        help = true;
        break;
      case '--version':
        version = true;
        break;
      case '--':
        paths.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') return { error: `unknown option ${arg}` };
        paths.push(arg);
    }
  }
  return { paths, format, config, kb, help, version };
}
