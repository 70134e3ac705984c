import {describe, expect, it} from 'vitest';
import {bearerChallenge, parseWwwAuthenticate} from '../../source/core/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
	it('reads the MCP challenge with resource_metadata and scope', () => {
		const header = 'Bearer resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/mcp", scope="files:read files:write"';
		expect(parseWwwAuthenticate(header)).toEqual([
			{scheme: 'bearer', params: {resource_metadata: 'https://api.example.com/.well-known/oauth-protected-resource/mcp', scope: 'files:read files:write'}},
		]);
	});

	it('separates several challenges and keeps commas inside quoted strings', () => {
		const header = 'Basic realm="a, b", Bearer error="insufficient_scope", scope="x y", error_description="needs \\"x\\", really"';
		expect(parseWwwAuthenticate(header)).toEqual([
			{scheme: 'basic', params: {realm: 'a, b'}},
			{scheme: 'bearer', params: {error: 'insufficient_scope', scope: 'x y', error_description: 'needs "x", really'}},
		]);
	});

	it('reads token68 challenges, unquoted values, odd spacing and case', () => {
		expect(parseWwwAuthenticate('Negotiate abc123==, BEARER Realm = mcp ,error=invalid_token')).toEqual([
			{scheme: 'negotiate', params: {}, token68: 'abc123=='},
			{scheme: 'bearer', params: {realm: 'mcp', error: 'invalid_token'}},
		]);
	});

	// Both found by fuzzing.
	it('keeps a parameter named __proto__ like any other', () => {
		const [challenge] = parseWwwAuthenticate('Bearer __proto__="x", scope="a"');
		expect(Object.entries(challenge!.params)).toEqual([['__proto__', 'x'], ['scope', 'a']]);
	});

	it('does not take "=" alone for a token68: it needs a character before the padding', () => {
		expect(parseWwwAuthenticate('Bearer =, Negotiate a=')).toEqual([
			{scheme: 'bearer', params: {}},
			{scheme: 'negotiate', params: {}, token68: 'a='},
		]);
	});

	it('reads a scheme with no parameters', () => {
		expect(parseWwwAuthenticate('Bearer')).toEqual([{scheme: 'bearer', params: {}}]);
	});

	it('does not throw on malformed input', () => {
		for (const header of ['', ',,,', 'Bearer resource_metadata="unterminated', '"quoted" Bearer', '=== Bearer x="1"', 'Bearer a=, b="2"']) {
			expect(() => parseWwwAuthenticate(header)).not.toThrow();
		}

		expect(bearerChallenge('Bearer resource_metadata="unterminated')?.params['resource_metadata']).toBe('unterminated');
	});

	it('finds the Bearer challenge among others', () => {
		expect(bearerChallenge('DPoP algs="ES256", Bearer scope="a"')?.params).toEqual({scope: 'a'});
		expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
		expect(bearerChallenge(undefined)).toBeUndefined();
	});
});
