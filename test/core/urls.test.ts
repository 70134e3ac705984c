import {describe, expect, it} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {authorizationServerMetadataUrls, canonicalResource, parseServerUrl, protectedResourceMetadataUrls, sameResource} from '../../source/core/urls.js';

/** The error `run` throws, checked to be an input error with a hint. */
function inputError(run: () => unknown): WizardError {
	let error: unknown;
	try {
		run();
	} catch (error_) {
		error = error_;
	}

	expect(error).toBeInstanceOf(WizardError);
	expect((error as WizardError).step).toBe('input');
	expect((error as WizardError).hint.length).toBeGreaterThan(0);
	return error as WizardError;
}

describe('canonicalResource', () => {
	it.each([
		['HTTPS://API.Example.COM/mcp', 'https://api.example.com/mcp'],
		['https://api.example.com/', 'https://api.example.com'],
		['https://api.example.com', 'https://api.example.com'],
		['https://api.example.com:443/mcp', 'https://api.example.com/mcp'],
		['https://api.example.com/mcp#frag', 'https://api.example.com/mcp'],
		['https://api.example.com/mcp/', 'https://api.example.com/mcp/'],
		['http://127.0.0.1:8080/a/b', 'http://127.0.0.1:8080/a/b'],
		// Found by fuzzing: an empty query lost its "?" and kept the slash, so a second pass changed it.
		['https://api.example.com/?', 'https://api.example.com/?'],
		['https://api.example.com/?#x', 'https://api.example.com/?'],
	])('%s -> %s', (input, expected) => {
		expect(canonicalResource(input)).toBe(expected);
		expect(canonicalResource(expected)).toBe(expected);
	});

	it.each([
		['api.example.com/mcp', '"api.example.com/mcp" is not a URL'],
		['', '"" is not a URL'],
		['mailto:a@example.com', 'mailto URLs are not MCP server URLs'],
	])('refuses %s with an input error, not a TypeError', (input, message) => {
		expect(inputError(() => canonicalResource(input)).message).toBe(message);
		expect(sameResource(input, input)).toBe(false);
	});
});

describe('well-known URLs', () => {
	it('resource metadata: path-aware, then root; root only for a URL without a path', () => {
		expect(protectedResourceMetadataUrls('https://api.example.com/public/mcp')).toEqual([
			'https://api.example.com/.well-known/oauth-protected-resource/public/mcp',
			'https://api.example.com/.well-known/oauth-protected-resource',
		]);
		expect(protectedResourceMetadataUrls('https://api.example.com/')).toEqual(['https://api.example.com/.well-known/oauth-protected-resource']);
	});

	it.each([
		['https://api.example.com/mcp/?tenant=a', '/mcp?tenant=a'],
		['https://api.example.com?tenant=a', '?tenant=a'],
	])('resource metadata: the query of %s stays after the inserted path (RFC 9728 3.1)', (input, rest) => {
		const root = 'https://api.example.com/.well-known/oauth-protected-resource';
		expect(protectedResourceMetadataUrls(input)).toEqual([root + rest, root]);
	});

	it('refuses what is not an http(s) URL instead of building "null/.well-known/..." or throwing a TypeError', () => {
		for (const build of [protectedResourceMetadataUrls, authorizationServerMetadataUrls]) {
			expect(inputError(() => build('foo://example.com/mcp')).message).toBe('foo URLs are not MCP server URLs');
			expect(inputError(() => build('/mcp')).message).toBe('"/mcp" is not a URL');
		}
	});

	it('authorization server: the three path forms in priority order, or the two root forms', () => {
		expect(authorizationServerMetadataUrls('https://as.example.com/tenant1')).toEqual([
			'https://as.example.com/.well-known/oauth-authorization-server/tenant1',
			'https://as.example.com/.well-known/openid-configuration/tenant1',
			'https://as.example.com/tenant1/.well-known/openid-configuration',
		]);
		expect(authorizationServerMetadataUrls('https://as.example.com')).toEqual([
			'https://as.example.com/.well-known/oauth-authorization-server',
			'https://as.example.com/.well-known/openid-configuration',
		]);
	});
});

describe('parseServerUrl', () => {
	it('accepts https anywhere and plain http on loopback', () => {
		expect(parseServerUrl(' https://api.fastmail.com/mcp ').toString()).toBe('https://api.fastmail.com/mcp');
		expect(parseServerUrl('http://127.0.0.1:3000/mcp').host).toBe('127.0.0.1:3000');
		expect(parseServerUrl('http://localhost/mcp').hostname).toBe('localhost');
	});

	it.each([
		['api.fastmail.com/mcp', 'is not a URL'],
		['ftp://example.com/mcp', 'not MCP server URLs'],
		['http://example.com/mcp', 'Plain http is not allowed'],
		['https://user:pw@example.com/mcp', 'user name or password'],
		['https://example.com/mcp#x', 'fragment'],
	])('refuses %s with a hint', (input, message) => {
		expect(inputError(() => parseServerUrl(input)).message).toContain(message);
	});
});
