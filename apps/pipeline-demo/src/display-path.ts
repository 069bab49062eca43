import { relative } from 'node:path';

/** A path for the human output: relative when inside the working directory (shorter), else absolute. */
export function displayPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside === '' || inside.startsWith('..') ? path : inside;
}
