import {expect, it, vi} from 'vitest';
import type {Discovery} from '../../source/core/discovery.js';
import {MetadataScreen} from '../../source/screens/metadata-screen.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {fastmailDiscovery} from '../helpers/screen-fixtures.js';

const noop = () => undefined;

it('shows the key fields of both documents and continues on Enter', async () => {
	const onContinue = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<MetadataScreen discovery={fastmailDiscovery} showRaw={false} height={40} onToggleRaw={noop} onContinue={onContinue}/>);
	const frame = await frameWith(lastFrame, 'Findings');
	expect(frame).toContain('Resource metadata from https://api.fastmail.com/.well-known/oauth-protected-resource/mcp');
	expect(frame).toContain('Bearer resource_metadata="https://api.fastmail.com');
	expect(frame).toContain('https://www.fastmail.com/dev/mcp, offline_access');
	expect(frame).toContain('https://api.fastmail.com/oauth/refresh');
	expect(frame).toMatch(/code_challenge_methods_supported +S256/);
	expect(frame).toMatch(/authorization_response_iss_parameter_supported +not given/);
	expect(frame).toContain('nothing wrong found');
	expect(frame).toContain('Enter choose scopes · j raw JSON · ↑↓ scroll · Esc back · t trace · q quit');
	await press(stdin, keys.enter);
	expect(onContinue).toHaveBeenCalledOnce();
	unmount();
});

it('shows errors and warnings with their hints, and blocks Enter on an error', async () => {
	const discovery: Discovery = {
		...fastmailDiscovery,
		findings: [
			{level: 'warning', code: 'no-public-clients', message: 'The token endpoint accepts only client_secret_basic, not "none"', hint: 'Registration may return a client secret.'},
			{level: 'error', code: 'no-s256', message: 'PKCE S256 is not supported (only plain)', hint: 'MCP clients must refuse to log in without PKCE S256; ask the server operator to enable it.'},
		],
	};
	const onContinue = vi.fn();
	const onToggleRaw = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<MetadataScreen discovery={discovery} showRaw={false} height={40} onToggleRaw={onToggleRaw} onContinue={onContinue}/>);
	const frame = await frameWith(lastFrame, 'Cannot continue: fix the errors above');
	expect(frame).toContain('✗ error: PKCE S256 is not supported (only plain)');
	expect(frame).toContain('Try: MCP clients must refuse to log in without PKCE S256');
	expect(frame).toContain('! warning: The token endpoint accepts only client_secret_basic');
	expect(frame).not.toContain('Enter choose scopes');
	await press(stdin, keys.enter, 'j');
	expect(onToggleRaw).toHaveBeenCalledOnce();
	expect(onContinue).not.toHaveBeenCalled();
	unmount();
});

it('cannot continue without an authorization server', async () => {
	const {authorizationServer: _, ...withoutServer} = fastmailDiscovery;
	const {lastFrame, unmount} = await render(<MetadataScreen discovery={withoutServer} showRaw={false} height={40} onToggleRaw={noop} onContinue={noop}/>);
	const frame = await frameWith(lastFrame, 'Cannot continue');
	expect(frame).toContain('Authorization server: none found');
	unmount();
});

it('shows resource metadata that was found and refused as refused, with why, not as none found', async () => {
	const prmUrl = 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp';
	const refused: Discovery = {
		...fastmailDiscovery,
		resourceMetadata: undefined,
		authorizationServer: undefined,
		attempts: [{stage: 'resource-metadata', url: prmUrl, status: 200, ms: 3, outcome: 'rejected', note: 'its resource is "https://api.fastmail.com/mcp/", not "https://api.fastmail.com/mcp"'}],
		findings: [{level: 'error', code: 'resource-mismatch', message: 'The resource metadata is for another resource', hint: 'Report it.'}],
	};
	const {lastFrame, unmount} = await render(<MetadataScreen discovery={refused} showRaw={false} height={40} onToggleRaw={noop} onContinue={noop}/>);
	const frame = (await frameWith(lastFrame, 'Findings')).replaceAll(/\s+/g, ' ');
	expect(frame).toContain(`Resource metadata from ${prmUrl}: refused, its resource is "https://api.fastmail.com/mcp/"`);
	expect(frame).toContain('Authorization server: not looked for, as the resource metadata naming it was refused');
	expect(frame).not.toContain('none found');
	expect(frame).not.toContain('no authorization server was found');
	unmount();
});

it('asks for raw JSON with j and shows both documents raw', async () => {
	const onToggleRaw = vi.fn();
	const {lastFrame, stdin, rerender, unmount} = await render(<MetadataScreen discovery={fastmailDiscovery} showRaw={false} height={60} onToggleRaw={onToggleRaw} onContinue={noop}/>);
	await press(stdin, 'j');
	expect(onToggleRaw).toHaveBeenCalledOnce();
	rerender(<MetadataScreen discovery={fastmailDiscovery} showRaw height={60} onToggleRaw={onToggleRaw} onContinue={noop}/>);
	const frame = await frameWith(lastFrame, '"token_endpoint": "https://api.fastmail.com/oauth/refresh",');
	expect(frame).toContain('"authorization_servers": [');
	expect(frame).toContain('j key fields');
	unmount();
});

it('scrolls long content in the height given', async () => {
	const {lastFrame, stdin, unmount} = await render(<MetadataScreen discovery={fastmailDiscovery} showRaw={false} height={10} onToggleRaw={noop} onContinue={noop}/>);
	const first = await frameWith(lastFrame, 'more lines');
	expect(first).toContain('MCP server');
	expect(first).not.toContain('Findings');
	await press(stdin, keys.pageDown, keys.pageDown, keys.pageDown);
	expect(lastFrame()).toContain('Findings');
	expect(lastFrame()).toContain('above');
	unmount();
});
