import {checkSavedClient} from '../core/client-reuse.js';
import {registeredRedirectUris} from '../core/registration.js';
import {discover} from '../core/discovery.js';
import {UsageError, WizardError} from '../core/errors.js';
import {enterpriseLoginCommand, logInAgainCommand, reauthorizesEnterprise} from '../store/status.js';
import type {SavedServer} from '../store/types.js';
import {type ServerChange, changeDone, changeServer} from '../store/changes.js';
import {confirmationFor} from '../store/what-is-lost.js';
import {type CommandContext, confirmChange, requireServer} from './context.js';
import {type LoginFlags, loginAndSave, loginWithClientCredentials, loginWithEnterprise} from './login.js';
import {exitCode} from './output.js';

/**
 * `reauthorize <server>`: discovery again, then the saved client when the authorization server is the
 * same, still knows the client (RFC 7592) and the scopes fit its registration; else a new registration.
 */
export async function runReauthorize(context: CommandContext, nameOrUrl: string | undefined, flags: LoginFlags): Promise<number> {
	const store = await context.openStore();
	const saved = requireServer(store, nameOrUrl, 'reauthorize');
	const scopes = flags.scopes ?? saved.scopes;
	// An enterprise login needs a new ID token, which is never kept: the user logs in at the identity
	// provider in the browser for one; given by its token endpoint only, it has no browser login.
	if (saved.grant === 'jwt-bearer' && flags.clientId === undefined) {
		if (!reauthorizesEnterprise(saved)) throw new WizardError('token', `${saved.name} is an enterprise login (an ID-JAG from the identity provider), and its ID token was not kept`, `Log in again with a new ID token: ${logInAgainCommand(saved)}`);
		const idp = saved.identityProvider;
		return loginWithEnterprise(context, saved.mcpUrl, {...flags, scopes, name: saved.name}, {idpIssuer: idp.issuer, idpClientId: idp.clientId}, {client: saved.client, issuer: saved.issuer}).catch((error: unknown) => {
			// The identity provider's browser login failed (none there, or its client needs a secret, never kept): the whole command with an ID token file.
			if (!(error instanceof WizardError) || error.step !== 'identity-provider') throw error;
			throw new WizardError(error.step, error.message, `${error.hint} With a new ID token's file: ${enterpriseLoginCommand(saved, true)}`, error.answer, {cause: error});
		});
	}

	// A client acting as itself gets a new token by the same grant: no user, no browser.
	if (saved.grant === 'client_credentials' && saved.client && flags.clientId === undefined) return loginWithClientCredentials(context, saved.mcpUrl, {...flags, scopes, name: saved.name}, {client: saved.client, issuer: saved.issuer});
	// A saved Client ID Metadata Document client logs in with its URL again, and the document is checked again.
	const savedDocumentUrl = saved.client?.source === 'client-metadata-document' ? saved.client.clientId : undefined;
	const clientMetadataUrl = flags.clientId === undefined ? (flags.clientMetadataUrl ?? savedDocumentUrl) : undefined;
	context.output.note(`Discovering ${saved.mcpUrl}`);
	const hasClientId = flags.clientId !== undefined || (saved.client !== undefined && savedDocumentUrl === undefined && flags.clientMetadataUrl === undefined);
	const discovery = await discover(saved.mcpUrl, {http: context.http, signal: context.signal, hasClientId, clientMetadataUrl});
	const issuer = discovery.authorizationServer?.issuer;
	const source = saved.client?.source;
	if (flags.redirectUris && flags.clientId === undefined && flags.clientMetadataUrl === undefined && source !== undefined && source !== 'registration') {
		throw new UsageError(
			`${saved.name}'s client was not registered by mcp-auth-wizard (${source}): its redirect URIs are not ours to add to`,
			`Have ${saved.client!.clientId} given the redirect URI where it was registered, or forget it (mcp-auth-wizard forget-registration ${saved.name}) so that reauthorize --redirect-uri registers a client of its own.`,
		);
	}

	let decision: {client?: SavedServer['client']; text: string; callbackPort?: number};
	if (flags.clientId !== undefined) {
		decision = {text: 'Using the client given with --client-id.'};
	} else if (flags.clientMetadataUrl !== undefined) {
		decision = {text: 'Using the Client ID Metadata Document given with --client-metadata-url.'};
	} else if (savedDocumentUrl !== undefined) {
		decision = {text: `Using the Client ID Metadata Document ${savedDocumentUrl} again (checked again).`};
	} else if (!saved.client || issuer === undefined) {
		decision = {text: 'Registering a new client: none is saved for this server.'};
	} else {
		const {decision: reuse, check, callbackPort} = await checkSavedClient(context.http, {issuer: saved.issuer, client: saved.client, registration: saved.registration}, {issuer, scopes, device: flags.device, redirectUris: flags.redirectUris, signal: context.signal});
		// A new client for --redirect-uri keeps the port of the redirect URI registered before: the other
		// client's redirect URI was named after it (export's notes).
		decision = reuse.reuse
			? {client: reuse.client, text: `Reusing client ${reuse.client.clientId}${check.status === 'valid' ? ' (the authorization server still knows it)' : ''}.`, callbackPort}
			: {text: `Registering a new client: ${reuse.reason}.`, ...(flags.redirectUris && flags.callbackPort === undefined ? {callbackPort} : {})};
	}

	context.output.note(decision.text);
	// Other clients' redirect URIs registered before stay registered: ours comes first (see buildRegistrationRequest).
	const kept = registeredRedirectUris(saved.registration).slice(1);
	const redirectUris = flags.redirectUris ? [...new Set([...kept, ...flags.redirectUris])] : undefined;
	return loginAndSave(context, saved.mcpUrl, {...flags, clientMetadataUrl, scopes, name: saved.name, redirectUris}, {discovery, client: decision.client, callbackPort: decision.callbackPort, decision: decision.text});
}

type Change = 'rename' | 'forget-tokens' | 'forget-registration';

/** rename, forget-tokens (keep the registration), forget-registration (and its tokens). */
export async function runChange(context: CommandContext, change: Change, nameOrUrl: string | undefined, newName?: string): Promise<number> {
	const store = await context.openStore();
	const saved = requireServer(store, nameOrUrl, change);
	if (change === 'rename' && (newName === undefined || newName.trim() === '')) {
		throw new UsageError('rename needs the new name', `mcp-auth-wizard rename ${saved.name} <new name>`);
	}

	if (change !== 'rename') {
		const {question, details} = confirmationFor(change, saved);
		await confirmChange(context, question, details);
	}

	const requested: ServerChange = change === 'rename' ? {kind: 'rename', name: newName!.trim()} : {kind: change};
	const updated = await changeServer(store, saved.name, requested);
	if (!updated) throw new WizardError('store', `${saved.name} was removed meanwhile`, 'See `mcp-auth-wizard list`.');
	context.output.result({ok: true, server: updated.name, mcpUrl: updated.mcpUrl, change}, () => [changeDone(requested, saved.name)]);
	return exitCode.ok;
}
