#!/usr/bin/env node
// npm run build (after tsc has type-checked source/): source/ bundled into dist/ with esbuild, the
// dependencies included. A start then reads a few files instead of resolving and compiling hundreds of
// modules (the goals of the readme's Performance section: --version within 2x of `node -e 0`, the wizard's first frame within 5x), and the
// package installs nothing else. Code splitting keeps the lazy paths lazy: each `await import()` (the
// wizard and Ink, each command, the sandbox and oidc-provider, the MCP client, got) is a chunk that is
// read only when that path runs. Two dependencies are patched on the way, each for a measured cost at
// start (see `patches`).
import {chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';
import {assertApplied, packageOf, patch} from './patches.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

const patches = [
	// meow's bundle sets up normalize-package-data (and spdx-correct's sorted tables) when it is
	// imported, for `cli.pkg`, which we never read: about 10 ms of every start, --version included.
	// Set up on first use instead.
	patch(
		'lazy-meow-package-data',
		{file: /[\\/]meow[\\/]build[\\/]dependencies\.js$/, version: '14.1.0'},
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
	),
	// yoga-layout (Ink's layout) carries its WebAssembly inline, in base64, but its loader fetches it
	// through fetch() of a data: URL wherever fetch exists, which on Node loads undici first: 30 ms or
	// more before the wizard's first frame. It decodes the base64 itself instead, the loader's own
	// fallback when that fetch fails.
	patch('yoga-inline-wasm', {file: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/, version: '3.2.1'}, 'return w||"function"!=typeof fetch?', 'return true?'),
];

/** What both builds share: ESM for Node 20, every dependency bundled, split at each `await import()`. */
const common = {
	absWorkingDir: root,
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
	// jsonc-parser's main is a UMD bundle whose require()s of its own files esbuild cannot follow: its ES module build instead.
	alias: {'jsonc-parser': 'jsonc-parser/lib/esm/main.js'},
	plugins: patches,
	// The licenses travel in dist/THIRD-PARTY-NOTICES.md instead, whole (see below).
	legalComments: 'none',
	logLevel: 'warning',
	metafile: true,
};

// What the package ships: the bin and the chunks it loads, nothing else.
const {metafile} = await build({...common, entryPoints: {cli: 'source/cli.tsx'}, outdir: 'dist'});
assertApplied(patches);

// Modules that tests and benchmarks load on their own, in child processes (the store, several at
// once; discovery and its HTTP client; the sandbox): built beside, never packed.
await build({...common, plugins: [], entryPoints: Object.fromEntries(['store/conf-store', 'core/discovery', 'core/http', 'core/urls', 'sandbox/index'].map(name => [name, `source/${name}.ts`])), outdir: '.build/modules'});
mkdirSync(join(root, '.build'), {recursive: true});
writeFileSync(join(root, '.build', 'metafile.json'), JSON.stringify(metafile));

// `open` runs the xdg-open it ships (xdg-utils' script) where the system has none, from beside its code.
const openChunk = Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).some(input => /node_modules\/open\/index\.js$/.test(input)));
if (!openChunk || dirname(openChunk[0]) !== 'dist') throw new Error(`open is bundled into ${openChunk?.[0]}, not a file of dist/ itself: it would not find dist/xdg-open`);
const xdgOpen = join(dirname(createRequire(import.meta.url).resolve('open')), 'xdg-open');
copyFileSync(xdgOpen, join(dist, 'xdg-open'));
chmodSync(join(dist, 'xdg-open'), 0o755);

// The bundled packages' licenses ask for their texts (and NOTICE files, Apache-2.0 4(d)) to travel
// with the code: dist/THIRD-PARTY-NOTICES.md has every package of the bundle, its version, its license
// and the license and notice files it ships (also those beside its bundled files: meow's licenses.md
// for what it bundles itself).
const licenseFile = /^(licen[cs]es?|copying|notice|third[-_]party[-_]?notices?)([-.][\w.-]*)?$/i;
const bundled = new Map();
for (const input of Object.keys(metafile.inputs)) {
	if (!input.includes('node_modules/')) continue;
	const {folder, manifest} = packageOf(join(root, input));
	const key = `${manifest.name}@${manifest.version}`;
	const entry = bundled.get(key) ?? {manifest, folders: new Set([folder])};
	entry.folders.add(dirname(join(root, input)));
	bundled.set(key, entry);
}

const licenseName = manifest => (typeof manifest.license === 'string' ? manifest.license : Array.isArray(manifest.licenses) ? manifest.licenses.map(license => license.type ?? license).join(' OR ') : 'not stated');
const sections = [...bundled.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, {manifest, folders}]) => {
	const files = [...folders].flatMap(folder => readdirSync(folder).filter(name => licenseFile.test(name)).map(name => join(folder, name)));
	const texts = files.map(file => {
		const text = readFileSync(file, 'utf8').trim();
		// A fence longer than any run of backticks in the text (some license files are Markdown with code).
		const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map(run => run[0].length + 1)));
		return `${relative(root, file).replace(/^node_modules\//, '')}:\n\n${fence}text\n${text}\n${fence}`;
	});
	return [`## ${key}`, '', `License: ${licenseName(manifest)}`, '', ...(texts.length > 0 ? texts : ['The package ships no license file; its package.json names the license above.'])].join('\n');
});
const notices = ['# Third-party notices', '', `dist/ bundles these ${bundled.size} packages. Each is listed with its version, its license, and the license and notice texts it ships.`, '', ...sections, ''].join('\n');
writeFileSync(join(dist, 'THIRD-PARTY-NOTICES.md'), notices);

// Files of earlier builds go (they would be packed), but only after the new ones are written: dist/ is
// never missing for a test or a wizard that runs while it is rebuilt.
const built = new Set([...Object.keys(metafile.outputs).map(path => relative(root, join(root, path))), 'dist/xdg-open', 'dist/THIRD-PARTY-NOTICES.md']);
for (const entry of readdirSync(dist, {recursive: true, withFileTypes: true})) {
	const path = relative(root, join(entry.parentPath, entry.name));
	if (entry.isFile() && !built.has(path)) rmSync(join(root, path));
}

const directories = readdirSync(dist, {recursive: true, withFileTypes: true}).filter(entry => entry.isDirectory()).map(entry => join(entry.parentPath, entry.name));
for (const directory of directories.sort((a, b) => b.length - a.length)) {
	if (readdirSync(directory).length === 0) rmSync(directory, {recursive: true});
}
