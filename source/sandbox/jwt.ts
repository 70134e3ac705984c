import {sign, verify, type KeyObject} from 'node:crypto';

/** An RS256 key of the sandbox's: the private half signs, the public half (with its kid) verifies. */
export type RsaSigningKey = {readonly kid: string; readonly privateKey: KeyObject; readonly publicKey: KeyObject};

/** A JWS compact serialization taken apart (RFC 7515 section 7.1), not verified yet. */
export type DecodedJwt = {
	readonly header: Record<string, unknown>;
	readonly claims: Record<string, unknown>;
	/** What the signature covers: the first two parts with their dot. */
	readonly signingInput: string;
	readonly signature: Buffer;
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT signed with RS256 (RFC 7518 section 3.3), its header naming the key (kid) and `typ`. */
export function signJwt(key: RsaSigningKey, typ: string, claims: Record<string, unknown>): string {
	const signingInput = `${encode({alg: 'RS256', typ, kid: key.kid})}.${encode(claims)}`;
	return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

function jsonObject(part: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** Three base64url parts, the first two JSON objects; undefined for anything else. */
export function decodeJwt(token: string): DecodedJwt | undefined {
	const [header = '', payload = '', signature = '', ...rest] = token.split('.');
	if (rest.length > 0 || !header || !payload || !signature) return undefined;
	const head = jsonObject(header);
	const claims = jsonObject(payload);
	if (!head || !claims) return undefined;
	return {header: head, claims, signingInput: `${header}.${payload}`, signature: Buffer.from(signature, 'base64url')};
}

/** Whether the JWT is RS256, names this key, and its signature verifies with it. */
export function signedWith(jwt: DecodedJwt, key: {readonly kid: string; readonly publicKey: KeyObject}): boolean {
	return jwt.header['alg'] === 'RS256' && jwt.header['kid'] === key.kid && verify('sha256', Buffer.from(jwt.signingInput), key.publicKey, jwt.signature);
}

/** RFC 7519 section 4.1.3: `aud` is one string or an array of them. */
export function audiencesOf(claims: Record<string, unknown>): string[] {
	const aud = claims['aud'];
	if (typeof aud === 'string') return [aud];
	return Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : [];
}

export const epochSeconds = () => Math.floor(Date.now() / 1000);
