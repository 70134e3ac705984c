import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';
// @ts-expect-error: a plain JavaScript module of the build, without types.
import {packageOf} from '../../scripts/patches.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The files `npm pack` puts in the tarball (scripts off: dist/ is built already, and others use it). */
async function packedFiles(): Promise<string[]> {
	const {stdout} = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {cwd: root});
	return (JSON.parse(stdout) as Array<{files: Array<{path: string}>}>)[0]!.files.map(file => file.path);
}

describe('the package', () => {
	it('ships the bin, its chunks, the callback pages, the license and the third-party notices, and nothing else', async () => {
		const files = await packedFiles();
		expect(files).toEqual(expect.arrayContaining(['LICENSE', 'dist/cli.js', 'dist/THIRD-PARTY-NOTICES.md', 'dist/xdg-open', 'assets/callback-success.html', 'package.json', 'readme.md']));
		const others = files.filter(path => !/^dist\/chunk-[A-Z\d]+\.js$/.test(path) && !['LICENSE', 'dist/cli.js', 'dist/THIRD-PARTY-NOTICES.md', 'dist/xdg-open', 'package.json', 'readme.md'].includes(path) && !path.startsWith('assets/'));
		expect(others).toEqual([]);
		expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
	}, 60_000);

	it('names every bundled package in the notices, with its version, license and license texts', () => {
		const metafile = JSON.parse(readFileSync(join(root, '.build', 'metafile.json'), 'utf8')) as {inputs: Record<string, unknown>};
		const notices = readFileSync(join(root, 'dist', 'THIRD-PARTY-NOTICES.md'), 'utf8');
		const packages = new Set(
			Object.keys(metafile.inputs)
				.filter(input => input.includes('node_modules/'))
				.map(input => {
					const {manifest} = packageOf(join(root, input)) as {manifest: {name: string; version: string}};
					return `${manifest.name}@${manifest.version}`;
				}),
		);
		expect(packages.size).toBeGreaterThan(100);
		// The notices' own headings: license texts (in fenced blocks) have headings of their own.
		const outsideTexts = notices.replaceAll(/^(`{3,})text\n[\s\S]*?^\1$/gm, '');
		const sections = new Set([...outsideTexts.matchAll(/^## (.+)$/gm)].map(match => match[1]));
		expect([...packages].filter(name => !sections.has(name))).toEqual([]);
		expect(sections.size).toBe(packages.size);
		// Apache-2.0 wants its text and any NOTICE to travel (4(a), 4(d)); meow lists what it bundles itself.
		const section = (name: string) => notices.slice(notices.indexOf(`## ${name}`), notices.indexOf('\n## ', notices.indexOf(`## ${name}`) + 1));
		const client = [...packages].find(name => name.startsWith('@modelcontextprotocol/client@'))!;
		expect(section(client)).toContain('Apache License');
		expect(section([...packages].find(name => name.startsWith('es-toolkit@'))!)).toContain('es-toolkit/NOTICE:');
		expect(section([...packages].find(name => name.startsWith('meow@'))!)).toContain('meow/build/licenses.md:');
	});
});
