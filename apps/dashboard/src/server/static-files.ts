import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built page (dist/web, made by the package's build script), from src/server or dist/server alike. */
export const webDirectory = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticFiles {
  /** The file for a URL path; index.html for the page's own routes. */
  get(path: string): { body: Uint8Array<ArrayBuffer>; type: string } | undefined;
}

/**
 * The page's few files, read once into memory: a fixed set of names, so no request path ever
 * reaches the file system (no traversal to guard against).
 */
export function loadStaticFiles(directory = webDirectory): StaticFiles {
  if (!existsSync(join(directory, 'index.html'))) {
    throw new Error(`The dashboard's page is not built (${join(directory, 'index.html')} is missing): run \`scripts/run --filter @automl/dashboard build\``);
  }
  const files = new Map<string, { body: Uint8Array<ArrayBuffer>; type: string }>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        files.set(`/${relative(directory, path).split('\\').join('/')}`, {
          body: new Uint8Array(readFileSync(path)),
          type: types[extname(name)] ?? 'application/octet-stream',
        });
    }
  };
  walk(directory);
  const index = files.get('/index.html');
  return { get: (path) => files.get(path) ?? (extname(path) === '' ? index : undefined) };
}
