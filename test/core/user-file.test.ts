import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {idTokenFromFile, privateKeyFromFile} from '../../source/core/user-file.js';
import {temporaryHome} from '../helpers/run-cli.js';

const home = temporaryHome();
afterAll(() => home.remove());

/** An unsigned JWT with these claims: only its shape and claims are read here. */
const jwt = (claims: Record<string, unknown>) => `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const now = () => Math.floor(Date.now() / 1000);

async function refusal(promise: Promise<unknown>): Promise<WizardError> {
	const error = await promise.then(() => undefined, (error: unknown) => error);
	expect(error).toBeInstanceOf(WizardError);
	return error as WizardError;
}

describe('files whose path the user types', () => {
	it('reads an ID token and the claims shown of it', async () => {
		const token = jwt({iss: 'https://idp.example.com', sub: 'ada@example.com', exp: now() + 600});
		const file = join(home.path, 'id-token.jwt');
		writeFileSync(file, `${token}\n`, {mode: 0o600});
		expect(await idTokenFromFile(file)).toEqual({token, claims: {iss: 'https://idp.example.com', sub: 'ada@example.com', exp: expect.any(Number)}});
	});

	it('refuses an expired ID token before anything is sent', async () => {
		const file = join(home.path, 'old.jwt');
		writeFileSync(file, jwt({sub: 'ada@example.com', exp: now() - 60}), {mode: 0o600});
		expect((await refusal(idTokenFromFile(file))).message).toMatch(/^That ID token expired at \d{4}-/);
	});

	it('never echoes a token or key pasted where its file\'s path goes', async () => {
		const token = jwt({sub: 'ada@example.com', exp: now() + 600});
		const pastedToken = await refusal(idTokenFromFile(token));
		expect(pastedToken.message).toBe('That looks like the ID token itself, not the path of a file (it is not shown here)');
		const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----';
		const pastedKey = await refusal(privateKeyFromFile(pem));
		expect(`${pastedKey.message} ${pastedKey.hint}`).not.toContain('MIGHAgEA');
	});

	it('says which file cannot be read, and what is not an ID token', async () => {
		expect((await refusal(idTokenFromFile(join(home.path, 'missing.jwt')))).message).toBe(`Cannot read ${join(home.path, 'missing.jwt')} (ENOENT)`);
		const file = join(home.path, 'notes.txt');
		writeFileSync(file, 'hello', {mode: 0o600});
		expect((await refusal(idTokenFromFile(file))).message).toContain('does not hold an ID token');
	});
});
