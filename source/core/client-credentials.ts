import * as oauth from 'oauth4webapi';
import {clientAuthentication, oauthRequestOptions, toAuthorizationServer, toClient} from './client.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {scopeParameter} from './scopes.js';
import {type GrantInput, type TokenSet, toTokenSet, tokenRequest} from './tokens.js';

/*
 * A client acting as itself, no user (MCP authorization extension SEP-1046): the client_credentials
 * grant (RFC 6749 4.4) at the token endpoint, authenticated with a client secret or a signed assertion
 * (private_key_jwt, RFC 7523 2.2), with `resource` (RFC 8707 2.2) and the scopes. There is no refresh
 * token (RFC 6749 4.4.3): a new token is had by the same grant.
 */

const clientCredentialsGrant = 'client_credentials';

/**
 * Whether the authorization server says it takes the grant. An absent list means code and implicit by
 * RFC 8414 2, but servers often leave it out: the grant is tried then, and the server's answer says.
 */
export function supportsClientCredentials(metadata: AuthorizationServerMetadata): boolean {
	return metadata.grant_types_supported?.includes(clientCredentialsGrant) === true;
}

/** What to try when the token endpoint refuses a client acting as itself (RFC 6749 5.2); others as for any token request. */
function clientCredentialsHint(error: string): string | undefined {
	switch (error) {
		case 'invalid_client': {
			return 'The authorization server did not accept the client\'s credentials: check the client id and its secret, or that it knows the client\'s public key (private_key_jwt).';
		}

		case 'unauthorized_client':
		case 'unsupported_grant_type': {
			return 'This client may not act as itself here (the client_credentials grant): ask the server operator to allow the grant for it, or log in as a user instead.';
		}

		default: {
			return undefined;
		}
	}
}

/** The scopes a client acting as itself asks for: offline_access asks for a refresh token, which this grant never gives (RFC 6749 4.4.3). */
export function clientCredentialsScopes(scopes: readonly string[]): string[] {
	return scopes.filter(scope => scope !== 'offline_access');
}

export async function clientCredentialsTokens(input: GrantInput): Promise<TokenSet> {
	const as = toAuthorizationServer(input.metadata);
	const client = toClient(input.client);
	const scope = scopeParameter(clientCredentialsScopes(input.scopes));
	const response = await tokenRequest('token', input.metadata.token_endpoint, async () => {
		const answer = await oauth.clientCredentialsGrantRequest(as, client, clientAuthentication(input.client), {resource: input.resource, ...(scope === undefined ? {} : {scope})}, oauthRequestOptions(input.http, input.metadata.token_endpoint, input.signal));
		return oauth.processClientCredentialsResponse(as, client, answer);
	}, {endpoint: 'token endpoint', response: 'token response', spec: 'RFC 6749 5.1', hint: clientCredentialsHint});
	return toTokenSet(response);
}
