import type { Route } from './types.js';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Matches a method and path against route patterns with `:param` and trailing `:rest*` segments. */
export class RouteMatcher {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const rest = /^:(\w+)\*$/.exec(segment);
          if (rest) {
            names.push(rest[1]!);
            return '(.+)';
          }
          const param = /^:(\w+)(.*)$/.exec(segment);
          if (param) {
            names.push(param[1]!);
            return `([^/]+?)${escapeRegExp(param[2]!)}`;
          }
          return escapeRegExp(segment);
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } {
    const allowed: string[] = [];
    for (const { route, pattern, names } of this.#routes) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1]!);
      });
      return { route, params };
    }
    return { allowed };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
