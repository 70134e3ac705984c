import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {type Dispatch, useEffect, useRef} from 'react';
import {clipboardNote, clipboardSequence, copyBlock} from '../components/clipboard.js';
import {type ExportTarget, exportConfig} from '../core/export.js';
import type {ConfigWrite} from '../core/config-edit.js';
import {redactJson} from '../core/redact.js';
import {applyConfigWrite, exportOptions, planConfigWrite} from '../store/client-config.js';
import {renewable} from '../store/status.js';
import {checkClientMetadataDocument, clientForDocument} from '../core/client-metadata-document.js';
import {checkSavedClient, decideClientReuse} from '../core/client-reuse.js';
import {WizardError} from '../core/errors.js';
import {changeDone, changeServer, recordCheck} from '../store/changes.js';
import {type KeepOptions, keepFresh, requireTokens, withFreshToken} from '../store/token-keeper.js';
import type {SavedServer} from '../store/types.js';
import type {WizardServices} from './services.js';
import type {Print} from './use-wizard-effects.js';
import type {ServerStep} from './server-state.js';
import {type Action, type Step, toErrorInfo} from './state.js';

/** The token keeper's options as the wizard uses it: its HTTP client and refresh, and how to log in again there. */
export function keeperOptions(services: WizardServices, signal: AbortSignal, logInAgain: string): KeepOptions {
	return {http: services.http, signal, refresh: services.core.refreshTokens, logInAgain};
}

/** A re-authorization decides whether the saved client can log in again (RFC 7592 read, issuer, scopes). */
export function useClientCheck(step: Step, servers: readonly SavedServer[], dispatch: Dispatch<Action>, services: WizardServices): void {
	const checking = step.name === 'client-check' ? step : undefined;
	const latest = useRef({checking, servers});
	latest.current = {checking, servers};
	useEffect(() => {
		const current = latest.current.checking;
		if (!current) return;
		const controller = new AbortController();
		const saved = latest.current.servers.find(server => server.name === current.reauth.name);
		const {discovery} = current.scopes.metadata;
		const issuer = discovery.authorizationServer?.issuer ?? '';
		(async () => {
			const client = saved?.client;
			if (!saved || !client) return {decision: {reuse: false as const, reason: 'no client is saved for this server'}};
			const scopes = current.scopes.selected;
			if (client.source === 'client-metadata-document') {
				// The document may have changed since: checked again, and its redirect URI's port is the one to listen on.
				const check = await checkClientMetadataDocument(services.http, client.clientId, {signal: controller.signal, callbackPort: services.options.callbackPort, scopes});
				const {callbackPort} = clientForDocument(check, services.options.callbackPort);
				return {decision: decideClientReuse({savedIssuer: saved.issuer, issuer, client, scopes, check: {status: 'unknown', reason: 'a Client ID Metadata Document'}}), callbackPort};
			}

			return checkSavedClient(services.http, {issuer: saved.issuer, client, registration: saved.registration}, {issuer, scopes, signal: controller.signal});
		})().then(
			({decision, callbackPort}) => {
				if (!controller.signal.aborted) dispatch({type: 'client-decided', decision, callbackPort});
			},
			(error: unknown) => {
				if (!controller.signal.aborted) dispatch({type: 'client-decided', decision: {reuse: false, reason: toErrorInfo(error).message}});
			},
		);
		return () => controller.abort();
	}, [checking !== undefined]);
}

/** Refresh, check and store changes asked for on a saved server's screen. */
export function useServerActions(step: Step, dispatch: Dispatch<Action>, services: WizardServices): void {
	const server: ServerStep | undefined = step.name === 'server' ? step : undefined;
	const busy = server?.activity.kind === 'busy' ? server.activity.action : undefined;
	const pending = server?.pending;
	const serverName = server?.serverName;
	const reload = () => dispatch({type: 'servers-loaded', servers: services.store.list()});

	useEffect(() => {
		if (!busy || !serverName) return;
		const controller = new AbortController();
		const {signal} = controller;
		(async () => {
			const saved = services.store.find(serverName);
			if (!saved?.tokens || !saved.client) throw new WizardError(busy === 'refresh' ? 'refresh' : 'mcp-check', `${saved?.name ?? serverName} has no tokens`, 'Press a to log in again (re-authorize).');
			// The token keeper refreshes (one process at a time), and before a check too when the token has
			// expired or is about to, and once after a 401.
			const keeping = keeperOptions(services, signal, 'press a to re-authorize');
			if (busy === 'refresh') {
				if (!renewable(saved)) throw new WizardError('refresh', `${saved.name} has no refresh token`, 'Press a to log in again (re-authorize) for new tokens.');
				await keepFresh(services.store, saved, {...keeping, force: true});
				return 'Refreshed.';
			}

			const {result} = await withFreshToken(services.store, saved, keeping, async current => services.core.checkMcp(current.mcpUrl, requireTokens(current).accessToken, {http: services.http, signal}));
			await recordCheck(services.store, saved.name, result);
			if (!result.ok) throw new WizardError('mcp-check', `MCP check failed: ${result.message}`, result.hint);
			return `MCP check passed: ${result.serverName} ${result.serverVersion}, ${result.toolCount} tools.`;
		})().then(
			message => {
				if (signal.aborted) return;
				reload();
				dispatch({type: 'server-activity', activity: {kind: 'done', message}});
			},
			(error: unknown) => {
				if (signal.aborted) return;
				reload();
				dispatch({type: 'server-activity', activity: {kind: 'failed', error: toErrorInfo(error)}});
			},
		);
		return () => controller.abort();
	}, [busy, serverName]);

	useEffect(() => {
		if (!pending || !serverName) return;
		changeServer(services.store, serverName, pending).then(
				() => {
					reload();
					const message = changeDone(pending, serverName);
					dispatch(pending.kind === 'remove' ? {type: 'server-removed', message} : {type: 'server-activity', activity: {kind: 'done', message}});
				},
				(error: unknown) => dispatch({type: 'server-activity', activity: {kind: 'failed', error: toErrorInfo(error)}}),
			);
	}, [pending]);
}

/**
 * An export of a saved server: the proxy's entry shown, it and the other ways printed whole above the
 * frame for copying; y puts it on the clipboard, f writes it to a file of its own in the current
 * directory (readable by the user only), w adds it to the client's configuration file.
 */
export function exportActions(server: SavedServer, step: ServerStep, dispatch: Dispatch<Action>, services: WizardServices, print: Print) {
	const shown = step.exporting?.kind === 'shown' ? step.exporting : undefined;
	return {
		show(target: ExportTarget) {
			try {
				const result = exportConfig(server, target, exportOptions(services.env, services.store.path));
				for (const form of [result, ...result.alternatives]) print(copyBlock(`${form.title}. ${form.where}`, form.text));
				const {file} = result.entry;
				let write: ConfigWrite | string | undefined;
				try {
					write = file === undefined ? undefined : (services.throwawayStore ? `w is off in the demo: its store is deleted when it ends, and the entry would name it.` : planConfigWrite(file, result.entry));
				} catch (error) {
					write = `Not added to ${file}: ${toErrorInfo(error).message}`;
				}

				const others = result.alternatives.map(form => form.title);
				dispatch({type: 'server-export-shown', exporting: {kind: 'shown', target, where: result.where, text: result.text, notes: result.notes, format: result.format, others, ...(write === undefined ? {} : {write})}});
			} catch (error) {
				dispatch({type: 'server-cancelled'});
				dispatch({type: 'server-activity', activity: {kind: 'failed', error: toErrorInfo(error)}});
			}
		},
		write: shown?.write !== undefined && typeof shown.write !== 'string' && shown.write.edit.kind !== 'same' ? () => {
			const write = shown.write as ConfigWrite;
			// An entry of the same name is there: said what it holds, and written on a second w only.
			if (write.edit.kind === 'replace' && !shown.replaceAsked) {
				dispatch({type: 'server-export-done', asked: true, message: `Press w again to replace it (a backup is kept), Esc to leave it. ${write.file} has an entry of this name: ${JSON.stringify(redactJson(write.edit.previous))}`});
				return;
			}

			try {
				const {backup} = applyConfigWrite(write);
				dispatch({type: 'server-export-done', written: true, message: `Written to ${write.file}${backup ? `; the old file is kept as ${backup}` : ''}. The client reads it when it starts.`});
			} catch (error) {
				const {message, hint} = toErrorInfo(error);
				dispatch({type: 'server-export-done', written: true, message: `${message}. ${hint}`});
			}
		} : undefined,
		copy() {
			if (!shown) return;
			print(clipboardSequence(shown.text));
			dispatch({type: 'server-export-done', message: clipboardNote});
		},
		save() {
			if (!shown) return;
			const extension = {toml: 'toml', json: 'json', shell: 'sh'}[shown.format];
			const file = join(services.cwd ?? process.cwd(), `mcp-auth-wizard-${server.name.replaceAll(/[^\w.-]+/g, '-')}-${shown.target}.${extension}`);
			let message = `Saved to ${file}`;
			try {
				writeFileSync(file, shown.text.endsWith('\n') ? shown.text : `${shown.text}\n`, {mode: 0o600});
			} catch (error) {
				message = `Not saved to ${file}: ${error instanceof Error ? error.message : String(error)}`;
			}

			dispatch({type: 'server-export-done', message});
		},
	};
}
