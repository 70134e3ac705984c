import {expect, it} from 'vitest';
import {DiscoveryScreen} from '../../source/screens/discovery-screen.js';
import type {DiscoveryRow} from '../../source/wizard/login-state.js';
import {frameWith, render} from '../helpers/ink.js';

const mcpUrl = 'https://api.fastmail.com/mcp';
const rows: DiscoveryRow[] = [
	{stage: 'probe', url: mcpUrl, attempt: {stage: 'probe', url: mcpUrl, status: 401, ms: 182, outcome: 'answered'}},
	{stage: 'resource-metadata', url: 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp', attempt: {stage: 'resource-metadata', url: 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp', status: 200, ms: 95, outcome: 'used'}},
	{stage: 'resource-metadata', url: 'https://api.fastmail.com/.well-known/oauth-protected-resource', attempt: {stage: 'resource-metadata', url: 'https://api.fastmail.com/.well-known/oauth-protected-resource', ms: 40, outcome: 'cancelled', note: 'not needed'}},
	{stage: 'authorization-server-metadata', url: 'https://api.fastmail.com/.well-known/oauth-authorization-server'},
];

it('lists each request by stage with its status, outcome and time, and a spinner while running', async () => {
	const {lastFrame, unmount} = await render(<DiscoveryScreen url={mcpUrl} attempts={rows}/>);
	const frame = await frameWith(lastFrame, 'Authorization server metadata (RFC 8414)');
	expect(frame).toContain('Discovering how to log in to https://api.fastmail.com/mcp');
	expect(frame).toContain('Probe: the MCP request without a token');
	expect(frame).toContain('401 answered');
	expect(frame).toContain('182 ms');
	expect(frame).toContain('✓ 200 used');
	expect(frame).toContain('cancelled');
	expect(frame).toContain('(not needed)');
	// The running request: its URL next to a spinner, no status yet.
	expect(frame).toMatch(/\S {1,2}https:\/\/api\.fastmail\.com\/\.well-known\/oauth-authorization-server/);
	expect(frame).toContain('Esc back · t trace · q quit');
	unmount();
});

it('shows why discovery stopped, with the hint', async () => {
	const failed: DiscoveryRow[] = [{stage: 'probe', url: mcpUrl, attempt: {stage: 'probe', url: mcpUrl, ms: 3, outcome: 'failed', note: 'Host api.fastmail.com not found (DNS)'}}];
	const error = {message: 'Could not reach the MCP server: Host api.fastmail.com not found (DNS)', hint: 'Check the URL and your network connection, then try again.'};
	const {lastFrame, unmount} = await render(<DiscoveryScreen url={mcpUrl} attempts={failed} error={error}/>);
	const frame = await frameWith(lastFrame, 'Discovery failed');
	expect(frame).toContain('✗ --- failed');
	expect(frame).toContain('Could not reach the MCP server');
	expect(frame).toContain('Try: Check the URL and your network connection, then try again.');
	unmount();
});
