#!/usr/bin/env node
// npm run build (after tsc has type-checked source/): source/ bundled into dist/ with esbuild, the
// dependencies included. A start then reads a few files instead of resolving and compiling hundreds of
// modules (the goals of the readme's Performance section: --version within 2x of `node -e 0`, the wizard's first frame within 5x), and the
// package installs nothing else. Code splitting keeps the lazy paths lazy: each `await import()` (the
// wizard and Ink, each command, the sandbox and oidc-provider, the MCP client, got) is a chunk that is
// read only when that path runs. Two dependencies are patched on the way, each for a measured cost at
// start (see `patches`).
import {chmodSync, copyFileSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/**
 * A dependency's file as it is bundled: `from` replaced by `to`. A file without `from` (the dependency
 * changed) fails the build, so that the patch is looked at again rather than silently lost.
 */
function patch(name, file, from, to) {
	return {
		name,
		setup(builder) {
			builder.onLoad({filter: file}, ({path}) => {
				const source = readFileSync(path, 'utf8');
				if (!source.includes(from)) throw new Error(`${path} changed: see the patch ${name} in scripts/build.js`);
				return {contents: source.replace(from, to), loader: 'js'};
			});
		},
	};
}

const patches = [
	// meow's bundle sets up normalize-package-data (and spdx-correct's sorted tables) when it is
	// imported, for `cli.pkg`, which we never read: about 10 ms of every start, --version included.
	// Set up on first use instead.
	patch(
		'lazy-meow-package-data',
		/[\\/]meow[\\/]build[\\/]dependencies\.js$/,
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
	),
	// yoga-layout (Ink's layout) carries its WebAssembly inline, in base64, but its loader fetches it
	// through fetch() of a data: URL wherever fetch exists, which on Node loads undici first: 30 ms or
	// more before the wizard's first frame. It decodes the base64 itself instead, the loader's own
	// fallback when that fetch fails.
	patch('yoga-inline-wasm', /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, 'return w||"function"!=typeof fetch?', 'return true?'),
];

const {metafile} = await build({
	absWorkingDir: root,
	entryPoints: {
		cli: 'source/cli.tsx',
		// Modules that tests and benchmarks load from dist/ on their own: the store (several processes
		// at once), discovery and its HTTP client, the sandbox. They share their chunks with cli.js.
		...Object.fromEntries(['store/conf-store', 'core/discovery', 'core/http', 'core/urls', 'sandbox/index'].map(name => [name, `source/${name}.ts`])),
	},
	outdir: 'dist',
	// Chunks beside cli.js: `open` looks for its xdg-open next to the code that runs it (copied below).
	chunkNames: 'chunk-[hash]',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// CommonJS dependencies call require() for Node's own modules, which an ES module does not have.
	banner: {js: 'import {createRequire as __createRequire} from "node:module"; const require = __createRequire(import.meta.url);'},
	// React's production build: the development one is larger, slower, and prints developer warnings.
	define: {'process.env.NODE_ENV': '"production"'},
	// Ink imports it only with DEV=true, to connect to React DevTools (and says how to install it then).
	external: ['react-devtools-core'],
	plugins: patches,
	legalComments: 'none',
	logLevel: 'warning',
	metafile: true,
});

// `open` runs the xdg-open it ships (xdg-utils' script) where the system has none, from beside its code.
const openChunk = Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).some(input => /node_modules\/open\/index\.js$/.test(input)));
if (!openChunk || dirname(openChunk[0]) !== 'dist') throw new Error(`open is bundled into ${openChunk?.[0]}, not a file of dist/ itself: it would not find dist/xdg-open`);
const xdgOpen = join(dirname(createRequire(import.meta.url).resolve('open')), 'xdg-open');
copyFileSync(xdgOpen, join(dist, 'xdg-open'));
chmodSync(join(dist, 'xdg-open'), 0o755);

// Files of earlier builds go (they would be packed), but only after the new ones are written: dist/ is
// never missing for a test or a wizard that runs while it is rebuilt.
const built = new Set([...Object.keys(metafile.outputs).map(path => relative(root, join(root, path))), 'dist/xdg-open']);
for (const entry of readdirSync(dist, {recursive: true, withFileTypes: true})) {
	const path = relative(root, join(entry.parentPath, entry.name));
	if (entry.isFile() && !built.has(path)) rmSync(join(root, path));
}

const directories = readdirSync(dist, {recursive: true, withFileTypes: true}).filter(entry => entry.isDirectory()).map(entry => join(entry.parentPath, entry.name));
for (const directory of directories.sort((a, b) => b.length - a.length)) {
	if (readdirSync(directory).length === 0) rmSync(directory, {recursive: true});
}
