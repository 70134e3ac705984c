import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {Dispatch} from 'react';
import {ErrorBox} from '../components/error-box.js';
import type {ErrorInfo} from '../core/errors.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {defaultLoginTimeoutMs} from '../core/authorization-session.js';
import {preRegisteredClient} from '../core/client.js';
import {type ClientWay, type WayChoice, chooseClientWay, enterprise} from '../core/client-way.js';
import {supportsJwtBearer} from '../core/enterprise.js';
import {EnterpriseExchangeScreen, EnterpriseFormScreen, type EnterpriseQuestion} from '../screens/enterprise-screen.js';
import {maskSecret} from '../core/redact.js';
import {dateTime} from '../components/countdown.js';
import type {AuthorizationServerMetadata} from '../core/metadata.js';
import {refreshDueAt} from '../core/tokens.js';
import {ClientIdScreen} from '../screens/client-id-screen.js';
import {type ClientWayItem, ClientWayScreen} from '../screens/client-way-screen.js';
import {DiscoveryScreen} from '../screens/discovery-screen.js';
import {DocumentClientScreen} from '../screens/document-client-screen.js';
import {LoginScreen} from '../screens/login-screen.js';
import {DeviceLoginScreen} from '../screens/device-login-screen.js';
import {type EnterpriseAnswers, clientCredentials, deviceLoginOffered, enterpriseQuestion, grantOf, metadataUsable} from './login-state.js';
import {supportsClientCredentials} from '../core/client-credentials.js';
import {MetadataScreen} from '../screens/metadata-screen.js';
import {PreRegisteredScreen, RegistrationScreen} from '../screens/registration-screen.js';
import {ScopesScreen} from '../screens/scopes-screen.js';
import {ServerScreen} from '../screens/server-screen.js';
import {ServersScreen} from '../screens/servers-screen.js';
import {TokenScreen} from '../screens/token-screen.js';
import {UrlScreen} from '../screens/url-screen.js';
import type {WizardServices} from './services.js';
import {assertNever} from '../core/errors.js';
import type {Action, Step, WizardState} from './state.js';
import {exportActions} from './use-server-effects.js';
import {type LoginControls, type Print, fileAnswers, loginContext, registrationRequestFor} from './use-wizard-effects.js';

/*
 * The screen of each step, fed from the reducer's state; it reports out by dispatching actions.
 */

export const clientWayLabels: Record<ClientWay | WayChoice, string> = {
	'pre-registered': 'a pre-registered client id',
	'client-metadata-document': 'a Client ID Metadata Document',
	'dynamic-registration': 'dynamic registration (RFC 7591)',
	ask: 'a client id you enter',
	[clientCredentials]: 'acting as itself (client credentials)',
	[enterprise]: 'your company\'s identity provider (enterprise-managed)',
};

/** Why this way: the spec's choice for what was given (chooseClientWay), or the user's pick. */
export function wayReason(step: Step, way: ClientWay | WayChoice, services: WizardServices): string {
	const scopes = 'scopes' in step ? step.scopes : undefined;
	const metadata = scopes?.metadata.discovery.authorizationServer?.metadata;
	if (!metadata) return 'as chosen';
	const choice = chooseClientWay({metadata, clientId: services.options.clientId, clientMetadataUrl: services.options.clientMetadataUrl});
	return choice.way === way ? `since ${choice.reason}` : 'as you chose';
}

/** The ways to a client id this authorization server supports (MCP 2025-11-25, Client Registration Approaches); a client id can always be typed in. */
function clientWayItems(metadata: AuthorizationServerMetadata): ClientWayItem[] {
	return [
		...(metadata.registration_endpoint ? [{way: 'dynamic-registration' as const, label: 'Register a client', why: `the server registers clients at ${metadata.registration_endpoint}`}] : []),
		...(metadata.client_id_metadata_document_supported ? [{way: 'client-metadata-document' as const, label: 'Use a Client ID Metadata Document', why: 'the server fetches your document by its URL'}] : []),
		{way: 'pre-registered' as const, label: 'Enter a client id', why: 'one the server operator registered for you'},
		// MCP extension SEP-1046; offered only where the server lists the grant (RFC 8414 2).
		...(supportsClientCredentials(metadata) ? [{way: clientCredentials as WayChoice, label: 'A client acting as itself, no user', why: 'its id with a secret or private key, no browser'}] : []),
		// MCP extension SEP-990; offered where the server lists the JWT bearer grant (RFC 7523).
		...(supportsJwtBearer(metadata) ? [{way: enterprise as WayChoice, label: 'Your company\'s identity provider', why: 'your ID token for an ID-JAG (enterprise-managed)'}] : []),
	];
}

/** What the enterprise step asks, by question (SEP-990: the identity provider, the ID token, the MCP client). */
const enterpriseQuestions: Readonly<Record<ReturnType<typeof enterpriseQuestion>, EnterpriseQuestion>> = {
	'idp-issuer': {label: 'Identity provider (IdP) issuer URL', placeholder: 'https://idp.example.com'},
	'idp-client-id': {label: 'IdP client id', placeholder: 'the client id at the identity provider'},
	// Empty: a login at the identity provider in the browser (OpenID Connect) gets one.
	'id-token': {label: 'ID token file', placeholder: 'empty: log in at the IdP in a browser', path: true, mayBeEmpty: true},
	'client-id': {label: 'MCP client id', placeholder: 'the client id at the MCP authorization server'},
	'client-secret': {label: 'MCP client secret', secret: true},
};

/** The answers given so far, as shown: the ID token as whose it is and until when, never the token. */
function enterpriseAnswers(answers: EnterpriseAnswers) {
	const {idToken} = answers;
	const idTokenShown = idToken === 'browser' ? 'from a login at the IdP in your browser' : idToken && `${maskSecret(idToken.token)} of ${idToken.claims.sub ?? 'an unnamed user'}${idToken.claims.exp === undefined ? '' : `, until ${dateTime(new Date(idToken.claims.exp * 1000).toISOString())}`}`;
	return [
		...(answers.idpIssuer === undefined ? [] : [{label: 'IdP issuer', shown: answers.idpIssuer}]),
		...(answers.idpClientId === undefined ? [] : [{label: 'IdP client id', shown: answers.idpClientId}]),
		...(idTokenShown === undefined ? [] : [{label: 'ID token', shown: idTokenShown}]),
		...(answers.clientId === undefined ? [] : [{label: 'MCP client id', shown: answers.clientId}]),
	];
}

/** A step that failed before its screen had anything to show: the error, and r to try again. */
function StepFailure({error, onRetry, extra = []}: {readonly error: ErrorInfo; readonly onRetry: () => void; readonly extra?: readonly Binding[]}) {
	const keymap: readonly Binding[] = [{key: 'r', label: 'try again', action: onRetry}, ...extra, ...useSharedKeys()];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<ErrorBox message={error.message} hint={error.hint} answer={error.answer} />
			<KeyLine bindings={keymap} />
		</Box>
	);
}

/** A step with nothing to show yet but what it is doing; the shared keys still work. */
function Pending({text}: {readonly text: string}) {
	const keymap = useSharedKeys();
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text>{text}</Text>
			<KeyLine bindings={keymap} />
		</Box>
	);
}

export function StepScreen({state, dispatch, services, height, login, print}: {
	readonly state: WizardState;
	readonly dispatch: Dispatch<Action>;
	readonly services: WizardServices;
	readonly height: number;
	readonly login: LoginControls;
	/** Writes above the frame (see Print). */
	readonly print: Print;
}) {
	const {step} = state;
	const otherWay = () => dispatch({type: 'client-way-opened'});
	const toolCall = {
		open: () => dispatch({type: 'tool-call-opened'}),
		pick: (tool: string) => dispatch({type: 'tool-picked', tool}),
		close: () => dispatch({type: 'tool-call-closed'}),
		stepUp: () => dispatch({type: 'step-up-accepted'}),
	};
	switch (step.name) {
		case 'url': {
			return <UrlScreen initialValue={step.input} error={step.error} onSubmit={url => dispatch({type: 'url-submitted', url})} />;
		}

		case 'discovery': {
			return <DiscoveryScreen url={step.url} attempts={step.rows} error={step.error} />;
		}

		case 'metadata': {
			return <MetadataScreen discovery={step.discovery} showRaw={step.showRaw} height={height} canContinue={metadataUsable(step.discovery)} onToggleRaw={() => dispatch({type: 'raw-toggled'})} onContinue={() => dispatch({type: 'metadata-accepted'})} />;
		}

		case 'scopes': {
			const {clientId, clientSecret, clientMetadataUrl} = services.options;
			const metadata = step.metadata.discovery.authorizationServer?.metadata;
			return (
				<ScopesScreen
					options={step.options}
					selected={step.selected}
					reason={step.reason}
					adding={step.adding}
					onChange={selected => dispatch({type: 'scopes-changed', selected})}
					onStartAdding={() => dispatch({type: 'scope-adding-started'})}
					onAdd={scope => dispatch({type: 'scope-added', scope})}
					onCancelAdding={() => dispatch({type: 'scope-adding-cancelled'})}
					next={metadata?.registration_endpoint === undefined || clientId !== undefined ? 'the client' : undefined}
					onSubmit={selected =>
						dispatch({
							type: 'scopes-accepted',
							selected,
							preRegistered: clientId !== undefined && metadata ? preRegisteredClient(metadata, clientId, clientSecret) : undefined,
							// chooseClientWay: a document when the server takes them and one was given (MCP 2025-11-25, Client Registration Approaches).
							documentUrl: metadata && chooseClientWay({metadata, clientId, clientMetadataUrl}).way === 'client-metadata-document' ? clientMetadataUrl : undefined,
						})
					}
				/>
			);
		}

		case 'registration': {
			if (state.redirectUri === undefined) {
				return step.phase.kind === 'failed' ? <StepFailure error={step.phase.error} onRetry={() => dispatch({type: 'registration-sent'})} /> : <Pending text="Starting the loopback listener for the redirect URI…" />;
			}

			const {metadata} = loginContext(step);
			return (
				<Box flexDirection="column">
					{step.notice ? <Text color="yellow">{step.notice}</Text> : null}
					<RegistrationScreen
					endpoint={metadata.registration_endpoint ?? ''}
					request={registrationRequestFor(step, state.redirectUri)}
					phase={step.phase}
					height={height}
					onEditName={() => dispatch({type: 'name-editing-started'})}
					onNameSubmit={name => dispatch({type: 'name-changed', name})}
					onCancelEdit={() => dispatch({type: 'name-editing-cancelled'})}
					onSend={() => dispatch({type: 'registration-sent'})}
					onContinue={() => dispatch({type: 'client-accepted'})}
					onOtherWay={otherWay}
					/>
				</Box>
			);
		}

		case 'pre-registered': {
			return <PreRegisteredScreen client={step.client} actingAsItself={step.grant !== undefined} identityProvider={step.enterprise && (step.enterprise.identityProvider.issuer ?? step.enterprise.identityProvider.tokenEndpoint)} idTokenByBrowser={step.enterprise && step.enterprise.idToken === undefined} onContinue={() => dispatch({type: 'client-accepted'})} onOtherWay={otherWay} />;
		}

		case 'client-id': {
			const supported = step.scopes.metadata.discovery.authorizationServer?.metadata.token_endpoint_auth_signing_alg_values_supported;
			return (
				<ClientIdScreen
					reason={step.reason}
					redirectUri={state.redirectUri}
					field={step.field}
					actingAsItself={step.grant !== undefined}
					keyError={step.keyError}
					onClientId={clientId => dispatch({type: 'client-id-entered', clientId})}
					onClientSecret={clientSecret => dispatch({type: 'client-secret-entered', clientSecret})}
					onPrivateKeyFile={path => {
						fileAnswers(services, dispatch).privateKey(path, supported);
					}}
					onDocumentUrl={url => dispatch({type: 'document-url-entered', url})}
				/>
			);
		}

		case 'enterprise': {
			const question = enterpriseQuestion(step.answers);
			return (
				<EnterpriseFormScreen
					answers={enterpriseAnswers(step.answers)}
					question={enterpriseQuestions[question]}
					error={step.error}
					onAnswer={value => {
						if (question !== 'id-token') {
							dispatch({type: 'enterprise-answered', value});
							return;
						}

						if (value === '') dispatch({type: 'id-token-by-browser'});
						else fileAnswers(services, dispatch).idToken(value);
					}}
				/>
			);
		}

		case 'client-way': {
			const metadata = step.scopes.metadata.discovery.authorizationServer?.metadata;
			// Where the browser login cannot be used, only the ways without a browser.
			const items = metadata ? clientWayItems(metadata).filter(item => !step.browserless || item.way === clientCredentials || item.way === enterprise) : [];
			return <ClientWayScreen items={items} current={step.current} onPick={way => dispatch({type: 'client-way-picked', way})} />;
		}

		case 'client-metadata-document': {
			return <DocumentClientScreen url={step.url} check={step.check} onContinue={() => dispatch({type: 'client-accepted'})} onOtherWay={otherWay} />;
		}

		case 'client-check':
		case 'reused': {
			return <Pending text="Asking the authorization server whether the saved client still works…" />;
		}

		case 'servers': {
			return <ServersScreen servers={state.servers} notices={[]} initialSelection={step.selection} height={height} onOpen={serverName => dispatch({type: 'server-opened', serverName})} onAdd={() => dispatch({type: 'server-add'})} />;
		}

		case 'server': {
			const server = state.servers.find(saved => saved.name === step.serverName);
			if (!server) return <Pending text="This server is no longer saved." />;
			const exports = exportActions(server, step, dispatch, services, print);
			return (
				<ServerScreen
					server={server}
					view={step.view}
					activity={step.activity}
					confirming={step.confirming}
					renaming={step.renaming}
					exporting={step.exporting}
					height={height}
					onAction={action => dispatch({type: 'server-action', action})}
					onView={view => dispatch({type: 'server-view', view})}
					onConfirm={() => dispatch({type: 'server-confirmed'})}
					onCancel={() => dispatch({type: 'server-cancelled'})}
					onRename={name => dispatch({type: 'server-renamed', name})}
					onExport={exports.show}
					onCopyExport={exports.copy}
					onSaveExport={exports.save}
					onWriteExport={exports.write}
				/>
			);
		}

		case 'login': {
			const switchWay = () => dispatch({type: 'login-way-switched'});
			const retry = () => dispatch({type: 'login-retried'});
			if (step.enterprise) {
				const phase = step.enterprise.tokens ? {kind: 'done' as const} : step.phase.kind === 'failed' ? step.phase : {kind: 'running' as const};
				return <EnterpriseExchangeScreen events={step.enterprise.events} height={height} phase={phase} onContinue={() => dispatch({type: 'enterprise-accepted'})} onRetry={retry} onNewIdToken={() => dispatch({type: 'enterprise-new-id-token'})} onNewClient={() => dispatch({type: 'enterprise-new-client'})} />;
			}

			if (grantOf(step) === clientCredentials) {
				return step.phase.kind === 'failed' ? <StepFailure error={step.phase.error} onRetry={retry} /> : <Pending text="Asking the token endpoint for the client's own token (client_credentials, no browser)…" />;
			}

			if (step.device) {
				const browserLogin: Binding = {key: 'b', label: 'log in with a browser here', action: switchWay};
				if (!step.device.code) return step.phase.kind === 'failed' ? <StepFailure error={step.phase.error} onRetry={retry} extra={[browserLogin]} /> : <Pending text="Asking the authorization server for a code…" />;
				return (
					<DeviceLoginScreen
						code={step.device.code}
						browser={step.browser}
						startedAt={step.startedAt ?? Date.now()}
						failure={step.phase.kind === 'failed' ? step.phase.error : undefined}
						copied={step.copied}
						onReopen={login.reopen}
						onCopy={login.copy}
						onBrowserLogin={switchWay}
						onRetry={retry}
					/>
				);
			}

			if (step.authorizationUrl === undefined || step.startedAt === undefined || state.redirectUri === undefined) {
				return step.phase.kind === 'failed' ? <StepFailure error={step.phase.error} onRetry={retry} /> : <Pending text="Preparing the authorization request…" />;
			}

			return (
				<LoginScreen
					redirectUri={state.redirectUri}
					authorizationUrl={step.authorizationUrl}
					browser={step.browser}
					startedAt={step.startedAt}
					timeoutMs={services.options.timeoutMs ?? defaultLoginTimeoutMs}
					phase={step.phase.kind === 'starting' ? {kind: 'waiting'} : step.phase}
					strays={step.strays}
					onReopen={login.reopen}
					onCopy={login.copy}
					copied={step.copied}
					onStartPaste={() => dispatch({type: 'paste-started'})}
					onPaste={login.paste}
					onCancelPaste={() => dispatch({type: 'paste-cancelled'})}
					onRetry={retry}
					onDeviceLogin={deviceLoginOffered(step) ? switchWay : undefined}
				/>
			);
		}

		case 'tokens': {
			const context = loginContext(step.login.from);
			return (
				<Box flexDirection="column">
					<TokenScreen
					mcpUrl={context.mcpUrl}
					tokens={step.tokens}
					requestedScopes={context.scopes}
					refresh={step.refresh}
					grant={grantOf(step.login)}
					nextRefreshAt={refreshDueAt(step.tokens, grantOf(step.login) === clientCredentials)}
					check={step.check}
					saved={step.saved}
					onRefresh={() => dispatch({type: 'refresh-requested'})}
					onCheck={() => dispatch({type: 'check-requested'})}
					onLogInAgain={() => dispatch({type: 'login-again'})}
					call={step.call}
					onToolCall={toolCall}
					/>
				</Box>
			);
		}

		default: {
			return assertNever(step);
		}
	}
}
