import {expect, it, vi} from 'vitest';
import type {EnterpriseEvent} from '../../source/core/enterprise.js';
import {EnterpriseExchangeScreen, EnterpriseFormScreen} from '../../source/screens/enterprise-screen.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';

const mcpUrl = 'https://mcp.example.com/mcp';
const issuer = 'https://auth.example.com';
const exp = Math.floor(Date.parse('2026-12-02T15:30:00Z') / 1000);

const events: EnterpriseEvent[] = [
	{type: 'id-token', claims: {iss: 'https://idp.example.com', sub: 'ada@example.com', exp}, expired: false},
	{type: 'identity-provider', issuer: 'https://idp.example.com', metadataUrl: 'https://idp.example.com/.well-known/openid-configuration', tokenEndpoint: 'https://idp.example.com/token', listsTokenExchange: true},
	{type: 'token-exchange', tokenEndpoint: 'https://idp.example.com/token', clientId: 'idp-client', authMethod: 'none', audience: issuer, resource: mcpUrl, scopes: ['mcp:tools']},
	{
		type: 'id-jag',
		idJag: {
			typ: 'oauth-id-jag+jwt',
			masked: 'eyJhbG…(612 chars)',
			claims: {iss: 'https://idp.example.com', sub: 'ada@example.com', aud: issuer, resource: mcpUrl, client_id: 'mcp-client', scope: 'mcp:tools', exp},
			warnings: ['its client_id is "other", not the MCP client mcp-client'],
		},
	},
	{type: 'jwt-bearer', tokenEndpoint: `${issuer}/token`, clientId: 'mcp-client', authMethod: 'client_secret_basic', resource: mcpUrl, scopes: ['mcp:tools']},
];

it('shows each exchange as it happens, the ID-JAG masked with its claims and what differs, and goes on with Enter once the token is there', async () => {
	const onContinue = vi.fn();
	const running = await render(<EnterpriseExchangeScreen events={events.slice(0, 3)} phase={{kind: 'running'}} onContinue={onContinue} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	const first = await frameWith(running.lastFrame, 'Exchanging…');
	expect(first).toContain('ID token of ada@example.com, from https://idp.example.com');
	expect(first).toContain('1. Token exchange (RFC 8693) at https://idp.example.com/token\n   as idp-client, audience https://auth.example.com');
	// The identity provider's endpoint is said once, in the exchange; only a doubt about it gets a line.
	expect(first).not.toContain('tried anyway');
	expect(first).not.toContain('Enter see the token');
	running.unmount();

	const done = await render(<EnterpriseExchangeScreen events={events} phase={{kind: 'done'}} onContinue={onContinue} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	const frame = await frameWith(done.lastFrame, '✓ Access token received');
	expect(frame).toContain('ID-JAG eyJhbG…(612 chars) (typ oauth-id-jag+jwt, claims not verified here)');
	for (const [claim, value] of [['iss', 'https://idp.example.com'], ['aud', issuer], ['resource', mcpUrl], ['client_id', 'mcp-client'], ['sub', 'ada@example.com']]) {
		expect(frame).toMatch(new RegExp(`${claim} +${value!.replaceAll('.', '\\.')}`));
	}

	expect(frame).toContain('! its client_id is "other", not the MCP client mcp-client');
	expect(frame).toContain('2. JWT bearer grant (RFC 7523) at https://auth.example.com/token\n   as mcp-client (client_secret_basic)');
	await press(done.stdin, keys.enter);
	expect(onContinue).toHaveBeenCalledOnce();
	done.unmount();
});

it('says why the login failed, with r to try again, n for a new ID token and c for another client, the claims giving way to the answer', async () => {
	const onRetry = vi.fn();
	const onNewIdToken = vi.fn();
	const onNewClient = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<EnterpriseExchangeScreen events={events} phase={{kind: 'failed', error: {message: 'The token endpoint of the identity provider answered HTTP 400: invalid_grant', hint: 'Log in to the identity provider again for a new ID token.'}}} onContinue={vi.fn()} onRetry={onRetry} onNewIdToken={onNewIdToken} onNewClient={onNewClient} />);
	const frame = await frameWith(lastFrame, 'Login failed');
	expect(frame).toContain('invalid_grant');
	expect(frame).toContain('r try again');
	expect(frame).toContain('ID-JAG eyJhbG…(612 chars)');
	expect(frame).not.toMatch(/client_id +mcp-client/);
	// Who asked gives way too: at 80x24 the answer needs the rows (seen in tmux).
	expect(frame).not.toContain('as idp-client');
	expect(frame).toContain('2. JWT bearer grant (RFC 7523) at https://auth.example.com/token');
	expect(frame).not.toContain('! its client_id');
	expect(frame).toContain('n new ID token');
	expect(frame).toContain('c other MCP client');
	// One line at 80 columns: with the error box, the screen is 23 rows at 80x24 (seen in tmux).
	expect(frame.split('\n').filter(line => line.includes('r try again'))).toEqual(['r try again · n new ID token · c other MCP client · Esc back · t trace · q quit']);
	await press(stdin, 'r', 'n', 'c');
	expect(onRetry).toHaveBeenCalledOnce();
	expect(onNewIdToken).toHaveBeenCalledOnce();
	expect(onNewClient).toHaveBeenCalledOnce();
	unmount();
});

it('asks one question at a time below the answers so far, a secret typed masked', async () => {
	const onAnswer = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<EnterpriseFormScreen answers={[{label: 'IdP issuer', shown: 'https://idp.example.com'}]} question={{label: 'MCP client secret', secret: true}} error="Cannot read /nope (ENOENT)" onAnswer={onAnswer} />);
	const frame = await frameWith(lastFrame, 'MCP client secret:');
	expect(frame).toMatch(/IdP issuer +https:\/\/idp\.example\.com/);
	expect(frame).toContain('Cannot read /nope (ENOENT)');
	await press(stdin, 's3cret-value');
	expect(lastFrame()).not.toContain('s3cret-value');
	await press(stdin, keys.enter);
	expect(onAnswer).toHaveBeenCalledWith('s3cret-value');
	unmount();
});

it('says it waits for the login at the identity provider in the browser, then exchanges once the ID token is there', async () => {
	const browser: EnterpriseEvent[] = [events[1]!, {type: 'id-token-login', issuer: 'https://idp.example.com'}];
	const waiting = await render(<EnterpriseExchangeScreen events={browser} phase={{kind: 'running'}} onContinue={vi.fn()} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	const frame = await frameWith(waiting.lastFrame, 'Waiting for the login in your browser (its URL is above)…');
	expect(frame).toContain('Login at https://idp.example.com in your browser, for an ID token');
	waiting.unmount();

	const exchanging = await render(<EnterpriseExchangeScreen events={[...browser, events[0]!]} phase={{kind: 'running'}} onContinue={vi.fn()} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	const next = await frameWith(exchanging.lastFrame, 'Exchanging…');
	expect(next).toContain('ID token of ada@example.com');
	exchanging.unmount();
});

it('offers another MCP client only once the authorization server had the ID-JAG', async () => {
	const failed = {kind: 'failed', error: {message: 'The token endpoint of the identity provider answered HTTP 400: invalid_grant', hint: 'Log in again.'}} as const;
	// The ID-JAG issued, the JWT bearer grant not yet asked for.
	const {lastFrame, unmount} = await render(<EnterpriseExchangeScreen events={events.slice(0, 4)} phase={failed} onContinue={vi.fn()} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	const frame = await frameWith(lastFrame, 'Login failed');
	expect(frame).toContain('n new ID token');
	expect(frame).not.toContain('other MCP client');
	unmount();
});

it('fits the rows it is given: the claims in one line below its full height, the title and blank rows too when tighter', async () => {
	const screen = (height: number) => render(<EnterpriseExchangeScreen events={events} height={height} phase={{kind: 'done'}} onContinue={vi.fn()} onRetry={vi.fn()} onNewIdToken={vi.fn()} onNewClient={vi.fn()} />);
	for (const [height, title] of [[20, true], [12, true], [8, false]] as const) {
		const {lastFrame, unmount} = await screen(height);
		const frame = await frameWith(lastFrame, '✓ Access token received');
		expect(frame.split('\n').length, frame).toBeLessThanOrEqual(height);
		expect(frame.includes('Enterprise-managed login (SEP-990)')).toBe(title);
		// Full: 19 rows and one for the warning.
		if (height < 20) expect(frame).toMatch(/^ {2}sub ada@example\.com · client_id mcp-client · exp \d\d:\d\d:\d\d$/m);
		else expect(frame).toMatch(/^ {2}client_id +mcp-client$/m);
		unmount();
	}
});
