import {existsSync, readFileSync} from 'node:fs';

let root: URL | undefined;

/**
 * The directory of mcp-auth-wizard's package.json, next to assets/: the nearest one above this code.
 * Not a fixed number of levels up, since the code runs from source/core (tests) and from the chunks
 * that the build bundles into dist/.
 */
export function packageRoot(): URL {
	if (root) return root;
	let directory = new URL('.', import.meta.url);
	while (!existsSync(new URL('package.json', directory))) {
		const parent = new URL('..', directory);
		if (parent.href === directory.href) throw new Error(`No package.json above ${import.meta.url}`);
		directory = parent;
	}

	root = directory;
	return root;
}

/** The name and version of this package, as MCP's clientInfo wants them. */
export function packageIdentity(): {name: string; version: string} {
	const manifest = JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as {name?: string; version?: string};
	return {name: manifest.name ?? 'mcp-auth-wizard', version: manifest.version ?? '0.0.0'};
}
