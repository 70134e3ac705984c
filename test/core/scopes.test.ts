import {describe, expect, it} from 'vitest';
import type {Discovery} from '../../source/core/discovery.js';
import {chooseScopes, parseScopes, scopeParameter} from '../../source/core/scopes.js';
import {bearerChallenge} from '../../source/core/www-authenticate.js';

function discovery(input: {challenge?: string; resourceScopes?: string[]; serverScopes?: string[]}): Discovery {
	return {
		mcpUrl: 'https://api.example.com/mcp',
		resource: 'https://api.example.com/mcp',
		probe: {status: 401, challenge: input.challenge ? bearerChallenge(input.challenge) : undefined},
		resourceMetadata: {url: 'https://api.example.com/.well-known/oauth-protected-resource/mcp', document: {resource: 'https://api.example.com/mcp', scopes_supported: input.resourceScopes}},
		authorizationServer: {issuer: 'https://api.example.com', metadata: {issuer: 'https://api.example.com', scopes_supported: input.serverScopes}},
		attempts: [],
		findings: [],
	};
}

describe('chooseScopes', () => {
	it('takes the challenge scope first, as authoritative', () => {
		const choice = chooseScopes(discovery({challenge: 'Bearer scope="files:read"', resourceScopes: ['files:read', 'files:write']}));
		expect(choice.defaults).toEqual(['files:read']);
		expect(choice.options).toEqual([
			{scope: 'files:read', sources: ['challenge', 'resource-metadata']},
			{scope: 'files:write', sources: ['resource-metadata']},
		]);
	});

	it('takes every scope of the resource metadata otherwise (Fastmail)', () => {
		const choice = chooseScopes(
			discovery({
				resourceScopes: ['https://www.fastmail.com/dev/mcp', 'offline_access'],
				serverScopes: ['urn:ietf:params:oauth:scope:mail', 'https://www.fastmail.com/dev/mcp', 'offline_access'],
			}),
		);
		expect(choice.defaults).toEqual(['https://www.fastmail.com/dev/mcp', 'offline_access']);
		expect(choice.options.find(option => option.scope === 'urn:ietf:params:oauth:scope:mail')?.sources).toEqual(['authorization-server']);
	});

	it('adds offline_access when the authorization server lists it', () => {
		const choice = chooseScopes(discovery({resourceScopes: ['mcp'], serverScopes: ['mcp', 'offline_access']}));
		expect(choice.defaults).toEqual(['mcp', 'offline_access']);
		expect(choice.reason).toContain('offline_access');
	});

	it('selects nothing when the MCP server advertises no scope, even if the authorization server lists some', () => {
		const choice = chooseScopes(discovery({serverScopes: ['openid', 'offline_access']}));
		expect(choice.defaults).toEqual([]);
		expect(choice.options.map(option => option.scope)).toEqual(['openid', 'offline_access']);
	});
});

describe('scope strings', () => {
	it('parses commas and spaces, without duplicates', () => {
		expect(parseScopes('a, b  c,a')).toEqual(['a', 'b', 'c']);
		expect(parseScopes('')).toEqual([]);
	});

	it('joins with spaces and sends nothing for no scope', () => {
		expect(scopeParameter(['a', 'b', 'a'])).toBe('a b');
		expect(scopeParameter([])).toBeUndefined();
	});
});
