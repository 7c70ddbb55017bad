// Builds the console into dist/: one bundled, minified script (esbuild), the stylesheet and
// index.html. No runtime dependencies and no request to any host but the admin listener.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });
await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2020'],
  outfile: join(dist, 'assets', 'app.js'),
  logLevel: 'warning',
});
await copyFile(join(here, 'src', 'styles.css'), join(dist, 'assets', 'app.css'));
await copyFile(join(here, 'src', 'index.html'), join(dist, 'index.html'));
console.log('console: built into dist/');
