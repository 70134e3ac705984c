import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {resolve} from 'node:path';
import {signingKey} from './client.js';
import {type AssertionClaims, assertionClaims} from './enterprise.js';
import {WizardError} from './errors.js';
import {looksLikeSecret} from './redact.js';
import {printableLine} from './text.js';

/*
 * Files a user names by typing their path in the wizard (a private key, an ID token): read as they
 * are, `~/` meaning the home directory as a shell would; what cannot be read is said with its path.
 */

/** The text of a file whose path the user typed; `what` names it in the error ("the client's private key"). */
async function readUserFile(path: string, what: string): Promise<string> {
	// What was typed may be the secret itself, pasted where its file's path goes: never echoed then.
	if (looksLikeSecret(path)) throw new WizardError('input', `That looks like ${what} itself, not the path of a file (it is not shown here)`, `Save it in a file only you can read, and give that file's path.`);
	const file = resolve(path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path);
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		throw new WizardError('input', `Cannot read ${printableLine(file, 160)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, `Give the path of a file that holds ${what}.`);
	}
}

/**
 * The user's ID token from a file (enterprise-managed authorization, SEP-990), with the claims shown
 * of it: a JWT (OpenID Connect Core 2), else refused before anything is sent. The token is a secret.
 */
export async function idTokenFromFile(path: string): Promise<{readonly token: string; readonly claims: AssertionClaims}> {
	const token = (await readUserFile(path, 'the ID token')).trim();
	const claims = assertionClaims(token);
	if (!claims) throw new WizardError('input', 'That file does not hold an ID token (a JWT: three base64url parts separated by dots, OpenID Connect Core 2)', 'Give a file that holds the id_token the identity provider issued, alone (it is not shown here).');
	// The identity provider would refuse it (OpenID Connect Core 3.1.3.7): said before anything is sent.
	if (claims.exp !== undefined && claims.exp * 1000 <= Date.now()) throw new WizardError('input', `That ID token expired at ${new Date(claims.exp * 1000).toISOString()}`, 'Log in to your identity provider again for a new one, and give its file.');
	return {token, claims};
}

/**
 * A private key typed in as a file's path (the wizard): its PEM, once it is known to sign with an
 * algorithm the server takes (signingKey), so that a wrong file is said at once, not at the token request.
 */
export async function privateKeyFromFile(path: string, supported?: readonly string[]): Promise<string> {
	const pem = await readUserFile(path, 'the client\'s private key, PEM');
	await signingKey(pem, supported);
	return pem;
}
