import {checkSavedClient} from '../core/client-reuse.js';
import {discover} from '../core/discovery.js';
import {UsageError, WizardError} from '../core/errors.js';
import type {SavedServer} from '../store/types.js';
import {type ServerChange, changeDone, changeServer} from '../store/changes.js';
import {confirmationFor} from '../store/what-is-lost.js';
import {type CommandContext, confirmChange, requireServer} from './context.js';
import {type LoginFlags, loginAndSave} from './login.js';
import {exitCode} from './output.js';

/**
 * `reauthorize <server>`: discovery again, then the saved client when the authorization server is the
 * same, still knows the client (RFC 7592) and the scopes fit its registration; else a new registration.
 */
export async function runReauthorize(context: CommandContext, nameOrUrl: string | undefined, flags: LoginFlags): Promise<number> {
	const store = await context.openStore();
	const saved = requireServer(store, nameOrUrl, 'reauthorize');
	const scopes = flags.scopes ?? saved.scopes;
	// A saved Client ID Metadata Document client logs in with its URL again, and the document is checked again.
	const savedDocumentUrl = saved.client?.source === 'client-metadata-document' ? saved.client.clientId : undefined;
	const clientMetadataUrl = flags.clientId === undefined ? (flags.clientMetadataUrl ?? savedDocumentUrl) : undefined;
	context.output.note(`Discovering ${saved.mcpUrl}`);
	const hasClientId = flags.clientId !== undefined || (saved.client !== undefined && savedDocumentUrl === undefined && flags.clientMetadataUrl === undefined);
	const discovery = await discover(saved.mcpUrl, {http: context.http, signal: context.signal, hasClientId, clientMetadataUrl});
	const issuer = discovery.authorizationServer?.issuer;
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
		decision = reuse.reuse
			? {client: reuse.client, text: `Reusing client ${reuse.client.clientId}${check.status === 'valid' ? ' (the authorization server still knows it)' : ''}.`, callbackPort}
			: {text: `Registering a new client: ${reuse.reason}.`};
	}

	context.output.note(decision.text);
	return loginAndSave(context, saved.mcpUrl, {...flags, clientMetadataUrl, scopes, name: saved.name}, {discovery, client: decision.client, callbackPort: decision.callbackPort, decision: decision.text});
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
