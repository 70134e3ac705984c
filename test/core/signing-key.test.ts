import {generateKeyPairSync} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {type ClientCredentials, clientAuthentication, signingKey} from '../../source/core/client.js';
import {isSecretName} from '../../source/core/redact.js';

const pem = (type: 'ec' | 'rsa', curve?: string) =>
	(type === 'ec' ? generateKeyPairSync('ec', {namedCurve: curve!}) : generateKeyPairSync('rsa', {modulusLength: 2048})).privateKey.export({type: 'pkcs8', format: 'pem'}).toString();

// private_key_jwt (RFC 7523 2.2) for a client acting as itself: the algorithm from the key and the server's list.
describe('signingKey', () => {
	it('signs with the algorithm of the key that the server takes', async () => {
		expect((await signingKey(pem('ec', 'prime256v1'))).alg).toBe('ES256');
		expect((await signingKey(pem('ec', 'secp384r1'), ['ES384', 'RS256'])).alg).toBe('ES384');
		const rsa = pem('rsa');
		expect((await signingKey(rsa)).alg).toBe('RS256');
		expect((await signingKey(rsa, ['PS256'])).alg).toBe('PS256');
	});

	it('says so, in one screen, when the server takes no algorithm the key makes, or the key cannot be read', async () => {
		await expect(signingKey(pem('rsa'), ['ES256'])).rejects.toThrow('The authorization server takes ES256 signatures, and the private key (rsa) makes RS256 or PS256');
		await expect(signingKey('-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n')).rejects.toThrow('The private key is not one that can be read');
	});

	it('names the algorithm in the assertion as the server lists it (EdDSA for an Ed25519 key)', async () => {
		const key = generateKeyPairSync('ed25519').privateKey.export({type: 'pkcs8', format: 'pem'}).toString();
		const client: ClientCredentials = {clientId: 'robot', privateKey: key, authMethod: 'private_key_jwt', source: 'pre-registered'};
		for (const listed of ['EdDSA', 'Ed25519']) {
			const body = new URLSearchParams();
			await clientAuthentication(client)({issuer: 'https://as.example', token_endpoint_auth_signing_alg_values_supported: [listed]}, {client_id: 'robot'}, body, new Headers());
			const header = JSON.parse(Buffer.from(body.get('client_assertion')!.split('.')[0]!, 'base64url').toString('utf8')) as {alg: string};
			expect(header.alg).toBe(listed);
		}
	});

	it('is a secret wherever a field names it', () => {
		for (const name of ['privateKey', 'private_key', 'client_assertion']) expect(isSecretName(name), name).toBe(true);
	});
});
