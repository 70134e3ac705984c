import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {expect, it} from 'vitest';

const source = fileURLToPath(new URL('../source', import.meta.url));

/** The modules each file of a folder imports (static and dynamic). */
function importsOf(folder: string): Array<{file: string; module: string}> {
	return readdirSync(join(source, folder), {recursive: true})
		.map(String)
		.filter(path => /\.tsx?$/.test(path))
		.flatMap(path => [...readFileSync(join(source, folder, path), 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].map(match => ({file: `${folder}/${path}`, module: match[1]!})));
}

// The layers: core (the protocol) under store under the commands and the wizard; core and the
// commands never load the UI.
it('keeps core free of the store, the UI and conf, and the commands free of the UI', () => {
	const core = importsOf('core').filter(({module}) => /^\.\.\/(store|wizard|screens|components|commands|sandbox)\/|^(ink|react|conf|@inkjs\/ui|ink-select-input)$/.test(module));
	const store = importsOf('store').filter(({module}) => /^\.\.\/(wizard|screens|components|commands)\/|^(ink|react|@inkjs\/ui)$/.test(module));
	const commands = importsOf('commands').filter(({module}) => /^\.\.\/(wizard|screens|components)\/|^(ink|react|@inkjs\/ui|ink-select-input)$/.test(module));
	expect([...core, ...store, ...commands]).toEqual([]);
});
