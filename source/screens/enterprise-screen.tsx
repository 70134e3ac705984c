import {PasswordInput, Spinner, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {PathInput} from '../components/masked-url-input.js';
import {dateTime} from '../components/countdown.js';
import {ErrorBox} from '../components/error-box.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {Field} from '../components/token-fields.js';
import type {AssertionClaims, EnterpriseEvent} from '../core/enterprise.js';
import type {ErrorInfo} from '../core/errors.js';

/*
 * Enterprise-managed authorization (MCP extension SEP-990): what the login needs (the identity
 * provider, its client, the user's ID token, the MCP client), then each exchange as it happens, with
 * the ID-JAG's claims.
 */

/** One question of the form: its label, what is typed, and whether it is a secret (typed masked). */
export type EnterpriseQuestion = {readonly label: string; readonly placeholder?: string; readonly secret?: boolean; readonly path?: boolean; readonly mayBeEmpty?: boolean};

/** An answer already given, as shown (a secret masked, the ID token as its claims). */
export type EnterpriseAnswer = {readonly label: string; readonly shown: string};

export type EnterpriseFormScreenProps = {
	/** The answers so far, in order. */
	readonly answers: readonly EnterpriseAnswer[];
	/** The question now open. */
	readonly question: EnterpriseQuestion;
	/** Why the last answer was refused (a file that cannot be read, not a JWT…). */
	readonly error?: string;
	/** Enter on an answer, trimmed: empty only where the question may be. */
	readonly onAnswer: (value: string) => void;
};

/** Asks, one field at a time, what an enterprise-managed login needs. Esc goes back to the scopes. */
export function EnterpriseFormScreen({answers, question, error, onAnswer}: EnterpriseFormScreenProps) {
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: 'next'}, ...useSharedKeys('escape')];
	useKeymap(keymap);
	const submit = (value: string) => {
		if (value.trim() !== '' || question.mayBeEmpty) onAnswer(value.trim());
	};

	return (
		<Box flexDirection="column">
			<Text bold>Your company&apos;s identity provider (enterprise-managed)</Text>
			<Text>Your ID token goes to the identity provider only, for an ID-JAG (RFC 8693 token exchange); the MCP server&apos;s authorization server takes the ID-JAG for a token (RFC 7523).</Text>
			<Box flexDirection="column" marginTop={1}>
				{answers.map(answer => (
					<Field key={answer.label} label={answer.label}>
						<Text>{answer.shown}</Text>
					</Field>
				))}
			</Box>
			<Box marginTop={answers.length > 0 ? 1 : 0}>
				<Text>{question.label}: </Text>
				{/* A new field after a refusal: what was typed may have been a secret pasted where a path goes. */}
				{question.secret ? (
					<PasswordInput key={question.label} onSubmit={submit} />
				) : question.path ? (
					// The token itself pasted here is masked.
					<PathInput key={`${question.label}:${error ?? ''}`} placeholder={question.placeholder} onSubmit={submit} />
				) : (
					<TextInput key={`${question.label}:${error ?? ''}`} placeholder={question.placeholder} onSubmit={submit} />
				)}
			</Box>
			{error ? <Text color="red">{error}</Text> : null}
			<KeyLine bindings={keymap} />
		</Box>
	);
}

/** The claims the authorization server checks for this user, in one line (a screen without room for each on its own). */
function ClaimsLine({claims}: {readonly claims: AssertionClaims}) {
	const parts = [claims.sub === undefined ? undefined : `sub ${claims.sub}`, claims.client_id === undefined ? undefined : `client_id ${claims.client_id}`, claims.exp === undefined ? undefined : `exp ${dateTime(new Date(claims.exp * 1000).toISOString())}`];
	return <Text wrap="truncate-end">  {parts.filter(part => part !== undefined).join(' · ')}</Text>;
}

/** Claims in one line each, in the order they matter (SEP-990: aud, resource and client_id are checked). */
function Claims({claims}: {readonly claims: AssertionClaims}) {
	const aud = claims.aud === undefined ? undefined : typeof claims.aud === 'string' ? claims.aud : claims.aud.join(', ');
	const rows: Array<[string, string | undefined]> = [
		['  iss', claims.iss],
		['  sub', claims.sub],
		['  aud', aud],
		['  resource', claims.resource],
		['  client_id', claims.client_id],
		['  exp', claims.exp === undefined ? undefined : dateTime(new Date(claims.exp * 1000).toISOString())],
	];
	return (
		<>
			{rows.filter(([, value]) => value !== undefined).map(([label, value]) => (
				<Field key={label} label={label}>
					<Text wrap="truncate-end">{value}</Text>
				</Field>
			))}
		</>
	);
}

/** One event of the flow, as a line (and the ID-JAG's claims, unless `compact`; then, unless `failed`, in one line). */
function EventRow({event, compact, failed}: {readonly event: EnterpriseEvent; readonly compact: boolean; readonly failed: boolean}) {
	switch (event.type) {
		case 'id-token': {
			return (
				<Text wrap="truncate-end">
					ID token of {event.claims.sub ?? 'an unnamed user'}, from {event.claims.iss ?? 'an unnamed issuer'}
					{event.expired ? <Text color="yellow"> (expired: the identity provider will refuse it)</Text> : null}
				</Text>
			);
		}

		case 'id-token-login': {
			// Done once the ID token is there (the next row says whose); a failure's answer needs the row at 80x24.
			return compact ? undefined : <Text wrap="truncate-end">Login at {event.issuer} in your browser, for an ID token</Text>;
		}

		case 'identity-provider': {
			// Its token endpoint is on the next line; only a doubt is said here.
			return event.listsTokenExchange ? undefined : <Text color="yellow">Its metadata lists no token exchange: tried anyway.</Text>;
		}

		case 'token-exchange': {
			return (
				<Box flexDirection="column">
					<Text wrap="truncate-end">1. Token exchange (RFC 8693) at {event.tokenEndpoint}</Text>
					{compact ? undefined : <Text wrap="truncate-end">   as {event.clientId}, audience {event.audience}</Text>}
				</Box>
			);
		}

		case 'id-jag': {
			return (
				<Box flexDirection="column">
					<Text wrap="truncate-end">
						<Text color="green">✓</Text> ID-JAG {event.idJag.masked} (typ {event.idJag.typ ?? 'none'}, claims not verified here)
					</Text>
					{compact ? failed ? undefined : <ClaimsLine claims={event.idJag.claims} /> : <Claims claims={event.idJag.claims} />}
					{(compact ? [] : event.idJag.warnings).map(warning => (
						<Text key={warning} color="yellow" wrap="truncate-end">
							! {warning}
						</Text>
					))}
				</Box>
			);
		}

		case 'jwt-bearer': {
			return (
				<Box flexDirection="column">
					<Text wrap="truncate-end">2. JWT bearer grant (RFC 7523) at {event.tokenEndpoint}</Text>
					{compact ? undefined : <Text wrap="truncate-end">   as {event.clientId} ({event.authMethod})</Text>}
				</Box>
			);
		}
	}
}

/** The browser login at the identity provider has started, and no ID token has come of it yet. */
const waitsForBrowser = (events: readonly EnterpriseEvent[]) => events.some(event => event.type === 'id-token-login') && !events.some(event => event.type === 'id-token');

/** The rows of the whole screen with every claim: title, the events, the status and the keys (`height` below it: compact). */
const fullRows = (events: readonly EnterpriseEvent[]) => 19 + events.reduce((rows, event) => rows + (event.type === 'id-jag' ? event.idJag.warnings.length : 0), 0);

/** The rows of the compact screen: title, five event rows (the claims in one), the status and the keys, with their blank rows. */
const compactRows = 11;

export type EnterpriseExchangeScreenProps = {
	/** What happened so far, in order. */
	readonly events: readonly EnterpriseEvent[];
	/** The rows the screen may take (the demo's banner takes some at 80x24); below its full height, the claims take one line. */
	readonly height?: number;
	/** Running, failed (r tries again), or done (Enter shows the token). */
	readonly phase: {readonly kind: 'running'} | {readonly kind: 'failed'; readonly error: ErrorInfo} | {readonly kind: 'done'};
	readonly onContinue: () => void;
	/** r: the same ID token again (after a failure of the network, say). */
	readonly onRetry: () => void;
	/** n: a new ID token (the identity provider refused this one, or it expired). */
	readonly onNewIdToken: () => void;
	/** c, after the JWT bearer grant failed: the same ID token, another MCP client (its secret refused, say). */
	readonly onNewClient: () => void;
};

/** The two exchanges as they happen, the ID-JAG's claims shown, until the token is there (Enter goes on). */
export function EnterpriseExchangeScreen({events, height, phase, onContinue, onRetry, onNewIdToken, onNewClient}: EnterpriseExchangeScreenProps) {
	const failed = phase.kind === 'failed';
	// A failure's answer needs the room at 80x24: the claims and who asked give way (the CLI's --json has them).
	const compact = failed || (height !== undefined && height < fullRows(events));
	// Fewer rows still (the demo's banner and a notice at 80x24): the title and the blank rows give way too.
	const tight = !failed && height !== undefined && height < compactRows;
	const keymap: readonly Binding[] = [
		{key: 'return', shown: 'Enter', label: 'see the token', when: phase.kind === 'done', action: onContinue},
		{key: 'r', label: 'try again', when: phase.kind === 'failed', action: onRetry},
		{key: 'n', label: 'new ID token', when: phase.kind === 'failed', action: onNewIdToken},
		// Only once the authorization server had the ID-JAG: before, the MCP client was not the trouble.
		{key: 'c', label: 'other MCP client', when: phase.kind === 'failed' && events.some(event => event.type === 'jwt-bearer'), action: onNewClient},
		...useSharedKeys(),
	];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			{tight ? undefined : <Text bold>Enterprise-managed login (SEP-990)</Text>}
			<Box flexDirection="column" marginTop={tight ? 0 : 1}>
				{events.map(event => (
					<EventRow key={event.type} event={event} compact={compact} failed={failed} />
				))}
			</Box>
			<Box marginTop={tight ? 0 : 1}>
				{phase.kind === 'running' ? <Spinner label={waitsForBrowser(events) ? 'Waiting for the login in your browser (its URL is above)…' : 'Exchanging…'} /> : phase.kind === 'failed' ? <ErrorBox title="Login failed" {...phase.error} /> : <Text color="green">✓ Access token received</Text>}
			</Box>
			<KeyLine bindings={keymap} />
		</Box>
	);
}
