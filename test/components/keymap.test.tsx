import {expect, it, vi} from 'vitest';
import {type Binding, KeyLine, SharedKeysContext, useKeymap, useSharedKeys} from '../../source/components/keymap.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';

function Keys({bindings}: {readonly bindings: readonly Binding[]}) {
	useKeymap(bindings);
	return <KeyLine bindings={bindings} />;
}

it('shows a key exactly when it works: one that does not apply is neither shown nor handled', async () => {
	const refresh = vi.fn();
	const check = vi.fn();
	const bindings: Binding[] = [
		{key: 'r', label: 'refresh now', when: false, action: refresh},
		{key: 'v', label: 'check with MCP', action: check},
		{key: 'return', shown: 'Enter', label: 'send', when: true, action: check},
	];
	const {stdin, lastFrame, unmount} = await render(<Keys bindings={bindings} />);
	const frame = await frameWith(lastFrame, 'v check with MCP · Enter send');
	expect(frame).not.toContain('refresh');
	await press(stdin, 'r', 'v', keys.enter);
	expect(refresh).not.toHaveBeenCalled();
	expect(check).toHaveBeenCalledTimes(2);
	unmount();
});

it('shows a key a field takes itself without handling it, and handles an alias without showing it', async () => {
	const retry = vi.fn();
	const bindings: Binding[] = [
		{key: 'return', shown: 'Enter', label: 'use this URL'},
		{key: 'r', action: retry},
	];
	const {stdin, lastFrame, unmount} = await render(<Keys bindings={bindings} />);
	expect((await frameWith(lastFrame, 'Enter use this URL')).trim()).toBe('Enter use this URL');
	await press(stdin, keys.enter, 'r');
	expect(retry).toHaveBeenCalledTimes(1);
	unmount();
});

function Shared({scope}: {readonly scope: Parameters<typeof useSharedKeys>[0]}) {
	return <Keys bindings={useSharedKeys(scope)} />;
}

it('offers Esc only where there is a step to go back to, and q and t only where they are not text', async () => {
	const quit = vi.fn();
	const trace = vi.fn();
	const first = await render(
		<SharedKeysContext.Provider value={{quit, trace}}>
			<Shared scope="all" />
		</SharedKeysContext.Provider>,
	);
	expect(await frameWith(first.lastFrame, 't trace · q quit')).not.toContain('Esc');
	await press(first.stdin, 't', 'q');
	expect([trace.mock.calls.length, quit.mock.calls.length]).toEqual([1, 1]);
	first.unmount();

	const back = vi.fn();
	const typing = await render(
		<SharedKeysContext.Provider value={{back, quit, trace}}>
			<Shared scope="escape" />
		</SharedKeysContext.Provider>,
	);
	expect(await frameWith(typing.lastFrame, 'Esc back')).not.toContain('quit');
	await press(typing.stdin, 'q', 't', keys.escape);
	expect([back.mock.calls.length, trace.mock.calls.length, quit.mock.calls.length]).toEqual([1, 1, 1]);
	typing.unmount();
});
