import {expect, it, vi} from 'vitest';
import type {ClientCredentials} from '../../source/core/client.js';
import {PreRegisteredScreen, RegistrationScreen, type RegistrationScreenProps} from '../../source/screens/registration-screen.js';
import type {RegistrationPhase} from '../../source/wizard/login-state.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {fastmailMcpScope, fastmailRegistered, fastmailRequest, registrationAccessToken} from '../helpers/screen-fixtures.js';

const endpoint = 'https://api.fastmail.com/oauth/register';

function props(phase: RegistrationPhase, overrides: Partial<RegistrationScreenProps> = {}): RegistrationScreenProps {
	return {endpoint, request: fastmailRequest, phase, height: 40, onEditName: vi.fn(), onNameSubmit: vi.fn(), onCancelEdit: vi.fn(), onSend: vi.fn(), onContinue: vi.fn(), ...overrides};
}

it('previews the exact JSON body with the scope line marked, and sends on Enter', async () => {
	const onSend = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<RegistrationScreen {...props({kind: 'preview'}, {onSend})}/>);
	const frame = await frameWith(lastFrame, `POST ${endpoint}`);
	expect(frame).toContain(JSON.stringify(fastmailRequest, undefined, 2).replace(/,\n {2}"scope".*\n\}$/s, ','));
	expect(frame).toContain(`  "scope": "${fastmailMcpScope} offline_access"  ◀`);
	expect(frame).toContain(`\`scope\` = "${fastmailMcpScope} offline_access": the scopes you chose`);
	expect(frame).toContain('Enter send · n change client_name');
	await press(stdin, keys.enter);
	expect(onSend).toHaveBeenCalledOnce();
	unmount();
});

it('warns when the request has no scope', async () => {
	const {scope: _, ...noScope} = fastmailRequest;
	const {lastFrame, unmount} = await render(<RegistrationScreen {...props({kind: 'preview'}, {request: noScope})}/>);
	const frame = await frameWith(lastFrame, 'No `scope` in the request');
	expect(frame).toContain('some servers (Fastmail) refuse a registration without one');
	expect(frame).not.toContain('"scope"');
	unmount();
});

it('edits client_name: n asks for it, Enter submits the new name, Esc cancels', async () => {
	const onEditName = vi.fn();
	const onNameSubmit = vi.fn();
	const onCancelEdit = vi.fn();
	const callbacks = {onEditName, onNameSubmit, onCancelEdit};
	const {lastFrame, stdin, rerender, unmount} = await render(<RegistrationScreen {...props({kind: 'preview'}, callbacks)}/>);
	await press(stdin, 'n');
	expect(onEditName).toHaveBeenCalledOnce();
	rerender(<RegistrationScreen {...props({kind: 'editing-name'}, callbacks)}/>);
	await frameWith(lastFrame, 'client_name: mcp-auth-wizard');
	await press(stdin, ' on my laptop', keys.enter);
	expect(onNameSubmit).toHaveBeenCalledWith('mcp-auth-wizard on my laptop');
	await press(stdin, keys.escape);
	expect(onCancelEdit).toHaveBeenCalledOnce();
	unmount();
});

it('shows a spinner while sending', async () => {
	const {lastFrame, unmount} = await render(<RegistrationScreen {...props({kind: 'sending'})}/>);
	await frameWith(lastFrame, `Registering… POST ${endpoint}`);
	unmount();
});

it('shows what was registered, secrets masked, with every difference from the request', async () => {
	const onContinue = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<RegistrationScreen {...props({kind: 'registered', result: fastmailRegistered}, {onContinue})}/>);
	const frame = await frameWith(lastFrame, '201 Created');
	expect(frame).toContain('"client_id": "fm-client-7f3a"');
	expect(frame).toContain(`  "scope": "${fastmailMcpScope}",  ◀`);
	// Ink wraps the long line at a space.
	expect(frame.replaceAll('\n', ' ')).toContain(`! scope: asked "${fastmailMcpScope} offline_access", registered "${fastmailMcpScope}"`);
	expect(frame).not.toContain(registrationAccessToken);
	expect(frame).toContain('"registration_access_token": "rat-01…(36 chars)"');
	await press(stdin, keys.enter);
	expect(onContinue).toHaveBeenCalledOnce();
	unmount();
});

it('says so when exactly what was asked was registered', async () => {
	const result = {...fastmailRegistered, response: {...fastmailRequest, client_id: 'fm-client-7f3a'}, differences: []};
	const {lastFrame, unmount} = await render(<RegistrationScreen {...props({kind: 'registered', result})}/>);
	await frameWith(lastFrame, 'registered exactly what was asked');
	unmount();
});

it('shows the server\'s 400 body verbatim with the hint, and sends again on r', async () => {
	const body = '{"error_description":"invalid_request no scope","error":"invalid_request"}';
	const error = {
		message: 'Registration refused with HTTP 400: invalid_request (invalid_request no scope)',
		hint: 'This server wants scopes at registration: choose at least one (--scopes, or the defaults) and try again.',
		answer: {url: endpoint, status: 400, body},
	};
	const onSend = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<RegistrationScreen {...props({kind: 'failed', error}, {onSend})}/>);
	const frame = await frameWith(lastFrame, 'Registration failed');
	expect(frame).toContain(error.message);
	expect(frame).toContain(`The server said (HTTP 400 from ${endpoint}):`);
	expect(frame).toContain(body);
	expect(frame).toContain('Try: This server wants scopes at registration');
	await press(stdin, 'r');
	expect(onSend).toHaveBeenCalledOnce();
	unmount();
});

it('shows a pre-registered client with its secret masked', async () => {
	const client: ClientCredentials = {clientId: 'acme-cli', clientSecret: 'ab12cd34ef56ab12cd34ef56ab12cd34', authMethod: 'client_secret_basic', source: 'pre-registered'};
	const onContinue = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<PreRegisteredScreen client={client} onContinue={onContinue}/>);
	const frame = await frameWith(lastFrame, 'Using the pre-registered client acme-cli (client_secret_basic, secret ab12cd…(32 chars))');
	expect(frame).toContain('No registration is sent.');
	expect(frame).not.toContain(client.clientSecret);
	await press(stdin, keys.enter);
	expect(onContinue).toHaveBeenCalledOnce();
	unmount();
});
