// @modelcontextprotocol/conformance 0.1.16 imports `globSync` from node:fs, which Node 20 lacks (added
// in 22), so on Node 20 it cannot even load. Preloaded with `node --import`, this gives that one package
// an fs module that has it; the suite uses it only for its tier report, which we do not run.
import fs from 'node:fs';
import {register} from 'node:module';

const shim = `data:text/javascript,${encodeURIComponent(`import fs from 'node:fs';
export * from 'node:fs';
export default fs;
export function globSync() { throw new Error('fs.globSync needs Node 22'); }`)}`;

/** The resolve hook (node:module customization hooks): runs in the hooks thread. */
export async function resolve(specifier, context, next) {
	const fromSuite = context.parentURL?.includes('/@modelcontextprotocol/conformance/') ?? false;
	if (fromSuite && (specifier === 'fs' || specifier === 'node:fs')) return {url: shim, shortCircuit: true};
	return next(specifier, context);
}

if (typeof fs.globSync !== 'function' && !import.meta.url.endsWith('?hooks')) register(`${import.meta.url}?hooks`);
