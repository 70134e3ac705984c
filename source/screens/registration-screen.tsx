import {Spinner, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {printable} from '../core/text.js';
import type {ReactNode} from 'react';
import type {ClientCredentials} from '../core/client.js';
import {maskSecret, redactJson} from '../core/redact.js';
import type {RegistrationDifference, RegistrationRequest} from '../core/registration.js';
import {ErrorBox} from '../components/error-box.js';
import {jsonLines} from '../components/json-view.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {ScrollView} from '../components/scroll-view.js';
import {useColumns} from '../components/columns.js';
import type {RegistrationPhase} from '../wizard/login-state.js';

export type RegistrationScreenProps = {
	/** The registration_endpoint the request goes to. */
	readonly endpoint: string;
	/** The body, exactly as it will be sent. */
	readonly request: RegistrationRequest;
	/** Where the registration is. */
	readonly phase: RegistrationPhase;
	/** The rows the screen may take, key hints included. */
	readonly height: number;
	/** `n`: edit client_name. */
	readonly onEditName: () => void;
	/** Enter in the name field: the new name, trimmed, never empty. */
	readonly onNameSubmit: (name: string) => void;
	/** Esc in the name field. */
	readonly onCancelEdit: () => void;
	/** Enter in the preview, `r` after a failure: send the request. */
	readonly onSend: () => void;
	/** Enter once registered: on to the browser login. */
	readonly onContinue: () => void;
	/** `w`, before the request is sent: another way to a client id. */
	readonly onOtherWay?: () => void;
};

const statusWords: Record<number, string> = {200: 'OK', 201: 'Created'};

function show(value: unknown): string {
	return value === undefined ? 'left out of the answer' : JSON.stringify(value);
}

/** `scope: asked "a b", registered "a"`. */
export function describeDifference(difference: RegistrationDifference): string {
	return `${difference.field}: asked ${show(difference.requested)}, registered ${show(difference.registered)}`;
}

function ScopeNote({scope}: {readonly scope: string | undefined}) {
	if (scope === undefined) return <Text color="yellow">No `scope` in the request: some servers (Fastmail) refuse a registration without one. Esc goes back to choose one.</Text>;
	return (
		<Text>
			`scope` = <Text bold>&quot;{scope}&quot;</Text>: the scopes you chose, space-separated (RFC 7591 2).
		</Text>
	);
}

/** `w`: another way to a client id, where the screen offers one. */
export function otherWayKey(onOtherWay: (() => void) | undefined, when = true): Binding {
	return {key: 'w', label: 'another way', when: when && onOtherWay !== undefined, action: onOtherWay};
}

/** The keys of each phase; the name field takes every other key while it is open. */
function useRegistrationKeys(phase: RegistrationPhase, props: RegistrationScreenProps): readonly Binding[] {
	const shared = useSharedKeys(phase.kind === 'editing-name' ? 'none' : 'all');
	const scroll: Binding = {key: '', shown: '↑↓', label: 'scroll'};
	const otherWay = otherWayKey(props.onOtherWay);
	switch (phase.kind) {
		case 'preview': {
			return [{key: 'return', shown: 'Enter', label: 'send', action: props.onSend}, {key: 'n', label: 'change client_name', action: props.onEditName}, scroll, otherWay, ...shared];
		}

		case 'editing-name': {
			return [{key: 'return', shown: 'Enter', label: 'use this name'}, {key: 'escape', shown: 'Esc', label: 'cancel', action: props.onCancelEdit}];
		}

		case 'sending': {
			return shared;
		}

		case 'registered': {
			return [{key: 'return', shown: 'Enter', label: 'log in with the browser', action: props.onContinue}, scroll, ...shared];
		}

		case 'failed': {
			return [{key: 'r', label: 'send again', action: props.onSend}, otherWay, ...shared];
		}
	}
}

/** The registration request before it is sent, and what the server registered (or why not) after. */
export function RegistrationScreen(props: RegistrationScreenProps) {
	const {endpoint, request, phase, height, onNameSubmit} = props;
	const keymap = useRegistrationKeys(phase, props);
	const columns = useColumns();
	useKeymap(keymap);

	let body: ReactNode;
	switch (phase.kind) {
		case 'preview':
		case 'editing-name': {
			body = (
				<>
					{phase.kind === 'editing-name' ? (
						<Box marginBottom={1}>
							<Text>client_name: </Text>
							<TextInput
								defaultValue={request.client_name}
								onSubmit={name => {
									if (name.trim() !== '') onNameSubmit(name.trim());
								}}
							/>
						</Box>
					) : undefined}
					<Text bold>POST {endpoint}</Text>
					<ScrollView height={height - 7} isActive={phase.kind === 'preview'} lines={jsonLines(request, ['scope'], columns)}/>
					<ScopeNote scope={request.scope}/>
				</>
			);
			break;
		}

		case 'sending': {
			body = <Spinner label={printable(`Registering… POST ${endpoint}`)}/>;
			break;
		}

		case 'registered': {
			const {result} = phase;
			const {differences} = result;
			body = (
				<>
					<Text bold>
						{result.status} {statusWords[result.status] ?? ''}: registered as client {result.client.clientId}
					</Text>
					<ScrollView height={height - 5 - Math.max(1, differences.length)} lines={jsonLines(redactJson(result.response), differences.map(difference => difference.field), columns)}/>
					{differences.length === 0 ? (
						<Text color="green">✓ registered exactly what was asked</Text>
					) : (
						differences.map(difference => (
							<Text key={difference.field} color="yellow">
								! {describeDifference(difference)}
							</Text>
						))
					)}
				</>
			);
			break;
		}

		case 'failed': {
			body = <ErrorBox title="Registration failed" {...phase.error}/>;
			break;
		}
	}

	return (
		<Box flexDirection="column">
			<Text bold>Dynamic client registration (RFC 7591)</Text>
			<Box flexDirection="column" marginTop={1}>
				{body}
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}

export type PreRegisteredScreenProps = {
	/** The client the user passed with --client-id (and --client-secret), or typed in. */
	readonly client: ClientCredentials;
	/** A client acting as itself (client_credentials): Enter asks for its token, no browser. */
	readonly actingAsItself?: boolean;
	/** Enterprise-managed (SEP-990): the identity provider the user's ID token goes to for an ID-JAG. */
	readonly identityProvider?: string;
	/** Enterprise-managed without an ID token at hand: the user logs in at the identity provider in the browser for one. */
	readonly idTokenByBrowser?: boolean;
	/** Enter: on to the browser login, or the token request. */
	readonly onContinue: () => void;
	/** `w`: another way to a client id. */
	readonly onOtherWay?: () => void;
};

/** Instead of the registration: the client the user brought, its secret masked (a private key is never shown). */
export function PreRegisteredScreen({client, actingAsItself, identityProvider, idTokenByBrowser, onContinue, onOtherWay}: PreRegisteredScreenProps) {
	const next = identityProvider === undefined ? (actingAsItself ? 'get its token' : 'log in with the browser') : idTokenByBrowser ? 'log in at the IdP' : 'exchange the ID token';
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: next, action: onContinue}, otherWayKey(onOtherWay), ...useSharedKeys()];
	useKeymap(keymap);
	const secret = client.privateKey === undefined ? (client.clientSecret === undefined ? 'no secret' : `secret ${maskSecret(client.clientSecret)}`) : 'a private key, never shown';
	return (
		<Box flexDirection="column">
			<Text bold>Client</Text>
			<Box flexDirection="column" marginTop={1}>
				<Text>
					Using the pre-registered client {client.clientId} ({client.authMethod}, {secret})
				</Text>
				<Text>No registration is sent.</Text>
				{actingAsItself ? <Text>It acts as itself: the token comes from the token endpoint (client_credentials, RFC 6749 4.4), with no user and no browser.</Text> : null}
				{identityProvider === undefined ? null : idTokenByBrowser ? (
					<Text>You log in at {identityProvider} in your browser for an ID token, which goes there for an ID-JAG (RFC 8693); this client presents the ID-JAG here for a token (JWT bearer grant, RFC 7523).</Text>
				) : (
					<Text>Your ID token goes to {identityProvider} for an ID-JAG (RFC 8693), which this client presents here for a token (JWT bearer grant, RFC 7523). No browser opens.</Text>
				)}
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
