// Patches to dependencies as esbuild bundles them (scripts/build.js), made to fail loudly: a patch is
// looked at again rather than silently lost or misapplied when its dependency changes.
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';

/** The package a file belongs to: its folder and package.json (not a build folder's {"type": ...} one). */
export function packageOf(file) {
	for (let folder = dirname(file); folder !== dirname(folder); folder = dirname(folder)) {
		const path = join(folder, 'package.json');
		if (!existsSync(path)) continue;
		const manifest = JSON.parse(readFileSync(path, 'utf8'));
		if (typeof manifest.name === 'string' && typeof manifest.version === 'string') return {folder, manifest};
	}

	throw new Error(`${file} belongs to no package`);
}

/** The patches that patched their file (esbuild takes no other keys on a plugin). */
const applied = new WeakSet();

/**
 * An esbuild plugin that bundles a dependency's file with `from` replaced by `to`, in the one version
 * the patch was written for. The build fails when another version is installed, or when `from` is not
 * in the file exactly once; assertApplied() fails it when the file was not bundled at all.
 */
export function patch(name, {file, version}, from, to) {
	const plugin = {
		name,
		setup(builder) {
			builder.onLoad({filter: file}, ({path}) => {
				const installed = packageOf(path).manifest.version;
				if (installed !== version) throw new Error(`${path} is of version ${installed}; the patch ${name} was written for ${version}: check it, then pin the new version`);
				const source = readFileSync(path, 'utf8');
				const found = source.split(from).length - 1;
				if (found !== 1) throw new Error(`${path} has the text the patch ${name} replaces ${found} times, not once`);
				applied.add(plugin);
				return {contents: source.replace(from, to), loader: 'js'};
			});
		},
	};
	return plugin;
}

/** After a build: every patch patched its file (one that was not bundled is no longer needed, or moved). */
export function assertApplied(patches) {
	const unused = patches.filter(plugin => !applied.has(plugin)).map(plugin => plugin.name);
	if (unused.length > 0) throw new Error(`The patches ${unused.join(', ')} patched nothing: their files are no longer bundled`);
}
