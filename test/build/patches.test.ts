import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {build} from 'esbuild';
import {afterEach, expect, it} from 'vitest';
// @ts-expect-error: a plain JavaScript module of the build, without types.
import {assertApplied, patch} from '../../scripts/patches.js';

type Plugin = Parameters<typeof build>[0]['plugins'] extends Array<infer P> | undefined ? P : never;
const makePatch = patch as (name: string, target: {file: RegExp; version: string}, from: string, to: string) => Plugin;
const checkApplied = assertApplied as (patches: Plugin[]) => void;

let folder: string | undefined;
afterEach(() => {
	if (folder) rmSync(folder, {recursive: true, force: true});
});

/** A project whose entry bundles one dependency, `fake` of the given version and source. */
function project(version: string, source: string): string {
	folder = mkdtempSync(join(tmpdir(), 'maw-patch-'));
	mkdirSync(join(folder, 'node_modules', 'fake', 'lib'), {recursive: true});
	writeFileSync(join(folder, 'node_modules', 'fake', 'package.json'), JSON.stringify({name: 'fake', version, main: 'lib/index.js'}));
	writeFileSync(join(folder, 'node_modules', 'fake', 'lib', 'index.js'), source);
	writeFileSync(join(folder, 'entry.js'), 'import {answer} from "fake";\nconsole.log(answer);\n');
	return folder;
}

async function bundle(root: string, plugin: Plugin): Promise<string> {
	const result = await build({absWorkingDir: root, entryPoints: ['entry.js'], bundle: true, write: false, format: 'esm', logLevel: 'silent', plugins: [plugin]});
	return result.outputFiles[0]!.text;
}

const target = {file: /[\\/]fake[\\/]lib[\\/]index\.js$/, version: '1.0.0'};

it('patches the text once in the version it was written for, and says it did', async () => {
	const plugin = makePatch('answer', target, 'answer = 41', 'answer = 42');
	expect(await bundle(project('1.0.0', 'export const answer = 41;\n'), plugin)).toContain('answer = 42');
	expect(() => checkApplied([plugin])).not.toThrow();
});

it('fails the build when the text is there twice, or not at all', async () => {
	await expect(bundle(project('1.0.0', 'export const answer = 41; const answer2 = "answer = 41";\n'), makePatch('answer', target, 'answer = 41', 'answer = 42'))).rejects.toThrow(/replaces 2 times, not once/);
	await expect(bundle(project('1.0.0', 'export const answer = 40;\n'), makePatch('answer', target, 'answer = 41', 'answer = 42'))).rejects.toThrow(/replaces 0 times, not once/);
});

it('fails the build on another version of the dependency', async () => {
	await expect(bundle(project('1.0.1', 'export const answer = 41;\n'), makePatch('answer', target, 'answer = 41', 'answer = 42'))).rejects.toThrow(/is of version 1\.0\.1; the patch answer was written for 1\.0\.0/);
});

it('fails when the patched file is no longer bundled', async () => {
	const plugin = makePatch('elsewhere', {file: /[\\/]gone\.js$/, version: '1.0.0'}, 'a', 'b');
	await bundle(project('1.0.0', 'export const answer = 41;\n'), plugin);
	expect(() => checkApplied([plugin])).toThrow('The patches elsewhere patched nothing: their files are no longer bundled');
});
