// Part 4 of the bench: what a user downloads and installs. The package as `npm pack` makes it, and a real
// production install of that tarball into an empty directory (from the npm registry, through npm's
// cache), measured on disk. No goal: the figures say what each dependency costs.
import {execFileSync} from 'node:child_process';
import {lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {root} from './lib.js';

const npm = (args, cwd) => execFileSync('npm', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20});

/** Bytes of every file under `path` (apparent sizes; symlinks not followed), and how many files. */
function sizeOf(path) {
	let bytes = 0;
	let files = 0;
	for (const entry of readdirSync(path, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) continue;
		bytes += lstatSync(join(entry.parentPath, entry.name)).size;
		files++;
	}

	return {bytes, files};
}

const kib = bytes => bytes / 1024;
const mib = bytes => bytes / 2 ** 20;

/** @returns {Promise<import('./lib.js').Row[]>} */
export async function run() {
	const work = mkdtempSync(join(tmpdir(), 'maw-bench-install-'));
	try {
		// dist/ is built already (npm run bench builds first): no prepare script here.
		const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
		const tarball = join(work, packed.filename);

		const project = join(work, 'project');
		execFileSync('mkdir', [project]);
		writeFileSync(join(project, 'package.json'), '{"name": "bench-install", "private": true}\n');
		npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline', tarball], project);
		const installed = sizeOf(join(project, 'node_modules'));
		const lock = JSON.parse(readFileSync(join(project, 'node_modules', '.package-lock.json'), 'utf8'));
		// Every package installed, mcp-auth-wizard itself included.
		const packages = Object.keys(lock.packages).filter(path => path.startsWith('node_modules/')).length;

		return [
			{group: 'install', name: 'npm pack: tarball', value: kib(packed.size), unit: 'KiB', note: `${packed.entryCount} files`},
			{group: 'install', name: 'npm pack: unpacked', value: kib(packed.unpackedSize), unit: 'KiB'},
			{group: 'install', name: 'production install: size on disk', value: mib(installed.bytes), unit: 'MiB', note: `npm install --omit=dev of the tarball into an empty directory; ${installed.files} files`},
			{group: 'install', name: 'production install: packages', value: packages, unit: packages === 1 ? 'package' : 'packages', note: 'mcp-auth-wizard included'},
		];
	} finally {
		rmSync(work, {recursive: true, force: true});
	}
}
