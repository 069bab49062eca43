// Module hooks for the fuzz child process, which runs the package's TypeScript sources with Node's
// own type transform (no bundler): the sources import siblings as `./x.js` (what tsc emits), which
// exist only as `./x.ts` here, and core is taken from its sources too, as the tests do.
const coreSource = new URL('../../../connector-core/src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === '@automl/connector-core') return next(coreSource, context);
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('file:');
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && relative && specifier.endsWith('.js')) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw error;
  }
}
