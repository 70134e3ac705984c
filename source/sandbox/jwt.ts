import type {KeyObject} from 'node:crypto';
import {SignJWT, compactVerify, decodeJwt as decodeClaims, decodeProtectedHeader, errors} from 'jose';

/** An RS256 key of the sandbox's: the private half signs, the public half (with its kid) verifies. */
export type RsaSigningKey = {readonly kid: string; readonly privateKey: KeyObject; readonly publicKey: KeyObject};

/** A JWT's header and claims, read but NOT verified yet: the checks say what is wrong in their own order. */
export type DecodedJwt = {readonly token: string; readonly header: Record<string, unknown>; readonly claims: Record<string, unknown>};

/** A JWT signed with RS256 (RFC 7518 section 3.3), its header naming the key (kid) and `typ`. */
export async function signJwt(key: RsaSigningKey, typ: string, claims: Record<string, unknown>): Promise<string> {
	return new SignJWT(claims).setProtectedHeader({alg: 'RS256', typ, kid: key.kid}).sign(key.privateKey);
}

/** A JWS compact serialization with a JSON object for claims (RFC 7519 section 7.2); undefined for anything else. */
export function decodeJwt(token: string): DecodedJwt | undefined {
	try {
		return {token, header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeClaims(token) as Record<string, unknown>};
	} catch (error) {
		if (error instanceof errors.JOSEError || error instanceof TypeError) return undefined;
		throw error;
	}
}

/** Whether the JWT names this key and its signature verifies with it, RS256 only (RFC 7515 section 5.2). */
export async function signedWith(jwt: DecodedJwt, key: {readonly kid: string; readonly publicKey: KeyObject}): Promise<boolean> {
	if (jwt.header['kid'] !== key.kid) return false;
	try {
		await compactVerify(jwt.token, key.publicKey, {algorithms: ['RS256']});
		return true;
	} catch (error) {
		if (error instanceof errors.JOSEError) return false;
		throw error;
	}
}

/** RFC 7519 section 4.1.3: `aud` is one string or an array of them. */
export function audiencesOf(claims: Record<string, unknown>): string[] {
	const aud = claims['aud'];
	if (typeof aud === 'string') return [aud];
	return Array.isArray(aud) ? aud.filter((item): item is string => typeof item === 'string') : [];
}

export const epochSeconds = () => Math.floor(Date.now() / 1000);
