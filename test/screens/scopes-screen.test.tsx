import {useState} from 'react';
import {expect, it, vi} from 'vitest';
import type {ScopeOption} from '../../source/core/scopes.js';
import {ScopesScreen, type ScopesScreenProps} from '../../source/screens/scopes-screen.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {fastmailMcpScope} from '../helpers/screen-fixtures.js';

const options: ScopeOption[] = [
	{scope: fastmailMcpScope, sources: ['resource-metadata', 'authorization-server']},
	{scope: 'offline_access', sources: ['resource-metadata', 'authorization-server']},
	{scope: 'urn:ietf:params:oauth:scope:mail', sources: ['authorization-server']},
];
const reason = 'every scope in the resource metadata\'s scopes_supported';

function props(overrides: Partial<ScopesScreenProps> = {}): ScopesScreenProps {
	return {options, selected: [fastmailMcpScope, 'offline_access'], reason, adding: false, onChange: vi.fn(), onStartAdding: vi.fn(), onAdd: vi.fn(), onCancelAdding: vi.fn(), onSubmit: vi.fn(), ...overrides};
}

it('labels each scope with where it came from and shows the scope parameter to send', async () => {
	const {lastFrame, unmount} = await render(<ScopesScreen {...props()}/>);
	const frame = await frameWith(lastFrame, `scope: "${fastmailMcpScope} offline_access"`);
	expect(frame).toMatch(/https:\/\/www\.fastmail\.com\/dev\/mcp +from resource metadata, authorization server/);
	expect(frame).toContain('from authorization server');
	expect(frame).toContain(`Preselected: ${reason}`);
	expect(frame).toContain('Space toggle · a add a scope · Enter preview registration · Esc back · t trace · q quit');
	unmount();
});

it('updates the scope value live as scopes are toggled, and warns when none is left', async () => {
	const onChange = vi.fn();
	const onSubmit = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ScopesScreen {...props({onChange, onSubmit})}/>);
	await frameWith(lastFrame, 'scope: "');
	await press(stdin, keys.space);
	expect(lastFrame()).toContain('scope: "offline_access"');
	expect(onChange).toHaveBeenLastCalledWith(['offline_access']);
	await press(stdin, keys.down, keys.space);
	expect(lastFrame()).toContain('no scope parameter will be sent');
	expect(lastFrame()).toContain('No scope selected: some servers (Fastmail) refuse a registration without one.');
	expect(onChange).toHaveBeenLastCalledWith([]);
	// Toggled back on in another order: still sent in the order of the list.
	await press(stdin, keys.space, keys.up, keys.space);
	expect(lastFrame()).toContain(`scope: "${fastmailMcpScope} offline_access"`);
	await press(stdin, keys.enter);
	expect(onSubmit).toHaveBeenCalledWith([fastmailMcpScope, 'offline_access']);
	unmount();
});

it('asks to add a scope with a, and adds what is typed', async () => {
	const onStartAdding = vi.fn();
	const onAdd = vi.fn();
	const {lastFrame, stdin, rerender, unmount} = await render(<ScopesScreen {...props({onStartAdding, onAdd})}/>);
	await press(stdin, 'a');
	expect(onStartAdding).toHaveBeenCalledOnce();
	rerender(<ScopesScreen {...props({onStartAdding, onAdd, adding: true})}/>);
	await frameWith(lastFrame, 'Add a scope:');
	expect(lastFrame()).toContain('Enter add · Esc cancel');
	await press(stdin, ' urn:ietf:params:oauth:scope:contacts ', keys.enter);
	expect(onAdd).toHaveBeenCalledWith('urn:ietf:params:oauth:scope:contacts');
	// Keys typed in the field do not reach the list or the `a` key.
	expect(onStartAdding).toHaveBeenCalledOnce();
	unmount();
});

it('refuses a scope with a space or a character RFC 6749 3.3 does not allow, and says why', async () => {
	const onAdd = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ScopesScreen {...props({adding: true, onAdd})}/>);
	await frameWith(lastFrame, 'Add a scope:');
	await press(stdin, 'my scope', keys.enter);
	expect(await frameWith(lastFrame, 'has a space')).toContain('would be sent as 2 scopes');
	expect(onAdd).not.toHaveBeenCalled();
	unmount();

	const quoted = await render(<ScopesScreen {...props({adding: true, onAdd})}/>);
	await frameWith(quoted.lastFrame, 'Add a scope:');
	await press(quoted.stdin, 'mail"read', keys.enter);
	await frameWith(quoted.lastFrame, 'holds a double quote, which a scope cannot hold');
	expect(onAdd).not.toHaveBeenCalled();
	quoted.unmount();
});

it('ignores an empty scope and cancels adding with Esc', async () => {
	const onAdd = vi.fn();
	const onCancelAdding = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ScopesScreen {...props({adding: true, onAdd, onCancelAdding})}/>);
	await frameWith(lastFrame, 'Add a scope:');
	await press(stdin, '  ', keys.enter);
	await press(stdin, keys.escape);
	expect(onAdd).not.toHaveBeenCalled();
	expect(onCancelAdding).toHaveBeenCalledOnce();
	unmount();
});

it('shows a scope added by the user selected once the App passes it in', async () => {
	// The App's part: keep `selected` in sync and add the new option selected.
	function Harness() {
		const [state, setState] = useState({options, selected: [fastmailMcpScope], adding: false});
		return (
			<ScopesScreen
				{...props(state)}
				onChange={selected => {
					setState(previous => ({...previous, selected}));
				}}
				onStartAdding={() => {
					setState(previous => ({...previous, adding: true}));
				}}
				onAdd={scope => {
					setState(previous => ({options: [...previous.options, {scope, sources: ['user']}], selected: [...previous.selected, scope], adding: false}));
				}}
			/>
		);
	}

	const {lastFrame, stdin, unmount} = await render(<Harness/>);
	await frameWith(lastFrame, `scope: "${fastmailMcpScope}"`);
	await press(stdin, 'a');
	await frameWith(lastFrame, 'Add a scope:');
	await press(stdin, 'urn:ietf:params:oauth:scope:calendars', keys.enter);
	const frame = await frameWith(lastFrame, `scope: "${fastmailMcpScope} urn:ietf:params:oauth:scope:calendars"`);
	expect(frame).toMatch(/urn:ietf:params:oauth:scope:calendars +added by you/);
	unmount();
});

it('says when the server advertises no scopes, and continues with none', async () => {
	const onSubmit = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ScopesScreen {...props({options: [], selected: [], reason: 'no scope is advertised by the MCP server, so none is sent', onSubmit})}/>);
	const frame = await frameWith(lastFrame, 'The server advertises no scopes');
	expect(frame).toContain('no scope parameter will be sent');
	expect(frame).not.toContain('No scope selected');
	expect(frame).toContain('a add a scope · Enter preview registration');
	await press(stdin, keys.enter);
	expect(onSubmit).toHaveBeenCalledWith([]);
	unmount();
});
