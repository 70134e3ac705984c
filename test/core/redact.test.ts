import {describe, expect, it} from 'vitest';
import {isSecretName, maskSecret, redactBody, redactHeaders, redactJson, redactUrl} from '../../source/core/redact.js';

const token = 'opaque-access-token-0123456789';
const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';

describe('redaction by what a value is, whatever the content type says', () => {
	it('masks a token response sent as text/plain, or with no content type (both are just bodies)', () => {
		const body = JSON.stringify({access_token: token, token_type: 'Bearer', refresh_token: 'refresh-0123456789', expires_in: 3600});
		const redacted = redactBody(body);
		expect(redacted).not.toContain(token);
		expect(redacted).not.toContain('refresh-0123456789');
		expect(JSON.parse(redacted)).toMatchObject({access_token: maskSecret(token), token_type: 'Bearer', expires_in: 3600});
	});

	it('masks form parameters, JWTs and bearer credentials in any other text', () => {
		expect(redactBody(`grant_type=refresh_token&refresh_token=${token}&client_id=abc`)).toBe(`grant_type=refresh_token&refresh_token=${maskSecret(token)}&client_id=abc`);
		const text = redactBody(`Your token is ${jwt}; or send Authorization: Bearer ${token} (access_token=${token})`);
		expect(text).not.toContain(jwt);
		expect(text).not.toContain(token);
		expect(text).toContain('Your token is ');
	});

	it('masks cookies, API keys, proxy credentials and headers named like secrets; keeps the rest and challenges readable', () => {
		const headers = redactHeaders({
			'set-cookie': `session=${token}; Path=/; HttpOnly, other=${token}x; Secure`,
			cookie: `a=${token}; b=${token}y`,
			'x-api-key': token,
			'proxy-authorization': `Basic ${token}`,
			'x-auth-token': token,
			'www-authenticate': 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp"',
			'content-type': 'application/json',
		});
		expect(JSON.stringify(headers)).not.toContain(token);
		expect(headers['set-cookie']).toMatch(/^session=.*; Path=\/; HttpOnly, other=.*; Secure$/);
		expect(headers['www-authenticate']).toBe('Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="mcp"');
		expect(headers['content-type']).toBe('application/json');
	});

	it('masks secret parameters in ;-separated queries and in fragments', () => {
		expect(redactUrl(`https://a.example/cb?state=s1;code=${token}`)).toBe(`https://a.example/cb?state=s1;code=${maskSecret(token)}`);
		expect(redactUrl(`https://a.example/cb#access_token=${token}&state=s1`)).toBe(`https://a.example/cb#access_token=${maskSecret(token)}&state=s1`);
		expect(redactUrl('https://a.example/mcp?tenant=1#section')).toBe('https://a.example/mcp?tenant=1#section');
	});

	it('masks JWTs in JSON wherever they are, and values by their field\'s name in any spelling', () => {
		expect(JSON.stringify(redactJson({note: `issued ${jwt}`, nested: [{apiKey: token, clientSecret: token, token_type: 'Bearer', token_endpoint: 'https://as/token'}]}))).not.toMatch(new RegExp(`${token}|${jwt}`));
		expect(['access_token', 'accessToken', 'x-api-key', 'client_secret', 'code', 'code_verifier', 'subject_token', 'cookie'].every(name => isSecretName(name))).toBe(true);
		expect(['token_type', 'token_endpoint', 'expires_in', 'state', 'scope', 'user_code'].some(name => isSecretName(name))).toBe(false);
	});

	it('leaves a value masked already as it is (login --json\'s maskedAccessToken said only how long its mask was)', () => {
		expect(redactJson({tokens: {maskedAccessToken: maskSecret(jwt)}})).toEqual({tokens: {maskedAccessToken: maskSecret(jwt)}});
		expect(redactJson({accessToken: `${jwt}…(3 chars)`})).not.toEqual({accessToken: `${jwt}…(3 chars)`});
	});
});
