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

// The wizard's state owns its shapes: the screens import them from it, never the reverse, and the
// reducers know nothing of Ink or React.
it('keeps the wizard state free of the screens, the components and the UI', () => {
	const state = importsOf('wizard')
		.filter(({file}) => /(^|-)state\.ts$/.test(file.split('/').at(-1)!))
		.filter(({module}) => /^\.\.\/(screens|components|store\/(?!types|changes))\/?|^(ink|react|@inkjs\/ui|ink-select-input)$/.test(module) || /^\.\/(app|step-screen|use-)/.test(module));
	expect(state).toEqual([]);
	expect(importsOf('wizard').filter(({file}) => /state\.ts$/.test(file)).map(({file}) => file).filter((file, index, all) => all.indexOf(file) === index).sort()).toEqual(['wizard/login-state.ts', 'wizard/server-state.ts', 'wizard/state.ts', 'wizard/token-state.ts']);
});
