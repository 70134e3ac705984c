import {describe, expect, it} from 'vitest';
import {refreshDueAt, summarizeTokens, toTokenSet, type TokenSet} from '../../source/core/tokens.js';

const jwt = (claims: Record<string, unknown>) => ['{"alg":"none"}', JSON.stringify(claims), ''].map(part => Buffer.from(part).toString('base64url')).join('.') + 'sig';
const now = Date.parse('2026-11-26T10:00:00Z');
const base: TokenSet = {accessToken: 'opaque-access-token-value', tokenType: 'Bearer', obtainedAt: '2026-11-26T09:59:00Z'};

describe('summarizeTokens', () => {
	it('takes granted scopes from the response and flags the ones missing', () => {
		const summary = summarizeTokens({...base, scope: 'a', expiresAt: '2026-11-26T11:00:00Z'}, ['a', 'b'], now);
		expect(summary).toMatchObject({grantedScopes: ['a'], grantedFrom: 'response', missingScopes: ['b'], expiresInSeconds: 3600, expired: false, hasRefreshToken: false});
		expect(summary.maskedAccessToken).not.toContain('opaque-access-token-value');
	});

	it('reads scope and expiry from a JWT access token when the response does not say', () => {
		const summary = summarizeTokens({...base, accessToken: jwt({scope: 'a b', exp: now / 1000 - 5})}, ['a', 'b'], now);
		expect(summary).toMatchObject({grantedScopes: ['a', 'b'], grantedFrom: 'jwt', isJwt: true, expired: true, expiresInSeconds: -5, missingScopes: []});
	});

	it('counts offline_access as granted when a refresh token came, and as missing when none did', () => {
		expect(summarizeTokens({...base, scope: 'mcp', refreshToken: 'r'}, ['mcp', 'offline_access'], now).missingScopes).toEqual([]);
		expect(summarizeTokens({...base, scope: 'mcp'}, ['mcp', 'offline_access'], now).missingScopes).toEqual(['offline_access']);
	});

	it('assumes the requested scopes when neither response nor token says (RFC 6749 5.1)', () => {
		expect(summarizeTokens(base, ['a'], now)).toMatchObject({grantedFrom: 'unknown', missingScopes: [], expiresAt: undefined, expired: false});
	});
});

describe('refreshDueAt', () => {
	it('renews a minute before an hour\'s expiry, a fifth before a short one, by the same grant where there is no refresh token', () => {
		const hour = {...base, expiresAt: '2026-11-26T10:59:00Z'};
		expect(refreshDueAt({...hour, refreshToken: 'r'})).toBe('2026-11-26T10:58:00.000Z');
		expect(refreshDueAt(hour)).toBeUndefined();
		expect(refreshDueAt(hour, true)).toBe('2026-11-26T10:58:00.000Z');
		expect(refreshDueAt({...base, refreshToken: 'r', expiresAt: '2026-11-26T09:59:50Z'})).toBe('2026-11-26T09:59:40.000Z');
	});

	it('never renews sooner than 5 s after the last, whatever expires_in the server gave (0 or 1 would renew without end)', () => {
		for (const expiresAt of ['2026-11-26T09:59:00Z', '2026-11-26T09:59:01Z', '2026-11-26T09:58:00Z']) {
			expect(refreshDueAt({...base, expiresAt}, true), expiresAt).toBe('2026-11-26T09:59:05.000Z');
		}
	});
});

describe('toTokenSet', () => {
	it('takes an expires_in no date can hold as no lifetime said, where it would throw', () => {
		const answer = {access_token: 'a', token_type: 'bearer'} as const;
		expect(toTokenSet({...answer, expires_in: 1e300} as never).expiresAt).toBeUndefined();
		expect(Date.parse(toTokenSet({...answer, expires_in: 60} as never).expiresAt!) - Date.now()).toBeGreaterThan(50_000);
	});
});
