import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const codeFile = /\.(ts|tsx|js|mjs)$/;

/** Every code file under the folders a reader of the repository opens. */
function codeFiles(): string[] {
	return ['source', 'scripts', 'bench', 'test'].flatMap(folder =>
		readdirSync(join(root, folder), {recursive: true})
			.map(String)
			.filter(path => codeFile.test(path))
			.map(path => join(folder, path)),
	);
}

// A comment cites what a reader of the repository can open: an RFC or the MCP spec's section, not our
// tracker's issues or the notes that come with the project's workplace.
it('cites no issue numbers or workplace notes, only what a reader can open', () => {
	const pattern = new RegExp(['spec-' + 'notes', String.raw`\bissue\s+\d+`].join('|'), 'i');
	const citing = codeFiles().flatMap(path =>
		readFileSync(join(root, path), 'utf8')
			.split('\n')
			.map((line, index) => ({line, where: `${path}:${index + 1}`}))
			.filter(({line}) => pattern.test(line))
			.map(({where, line}) => `${where}: ${line.trim()}`),
	);
	expect(citing).toEqual([]);
});
