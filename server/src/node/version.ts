/**
 * Brief's version, as `package.json` gives it: the one place it is written. `brief-lint
 * --version`, SARIF's `tool.driver.version`, `brief-language-server --version` and the server's
 * `serverInfo.version` all read it here, so a release bumps `package.json` alone (the VSIX and
 * the npm package take their version from it too). esbuild inlines only this field of the file.
 */
import { version } from '../../../package.json';

export const VERSION: string = version;
