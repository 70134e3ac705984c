import {Spinner, TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {ReactNode} from 'react';
import {Confirm, confirmKeys} from '../components/confirm.js';
import {clockTime, dateTime, useClock} from '../components/countdown.js';
import {ErrorBox} from '../components/error-box.js';
import {jsonLines} from '../components/json-view.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';
import {ScrollView} from '../components/scroll-view.js';
import {useColumns} from '../components/columns.js';
import {cutRows, wrapWords} from '../components/rows.js';
import {Field, McpCheckLine, TokenFields} from '../components/token-fields.js';
import {TracePanel} from '../components/trace-panel.js';
import type {ExportTarget} from '../core/export.js';
import type {McpCheckResult} from '../core/mcp-check.js';
import {clientSourceLabels} from '../core/client.js';
import {maskSecret, redactJson} from '../core/redact.js';
import {printable, printableLine} from '../core/text.js';
import {summarizeTokens} from '../core/tokens.js';
import {renewable, serverStatus, statusLabel} from '../store/status.js';
import type {ConfigWrite} from '../core/config-edit.js';
import type {SavedServer} from '../store/types.js';
import {statusMark} from './servers-screen.js';
import {confirmationFor} from '../store/what-is-lost.js';
import type {ConfirmableAction, ServerAction, ServerActivity, ServerExporting, ServerView} from '../wizard/server-state.js';

export type ServerScreenProps = {
	/** The server shown. */
	readonly server: SavedServer;
	/** Which part of it: the summary, the registration JSON, or the last login's trace. */
	readonly view: ServerView;
	/** The refresh or check under way, or how the last action ended. */
	readonly activity: ServerActivity;
	/** An action waiting for y/n: shows what will be lost. */
	readonly confirming?: ConfirmableAction;
	/** The rename field is open (it takes every key, Esc cancels it). */
	readonly renaming: boolean;
	/** The export picker or its result: undefined when closed. */
	readonly exporting?: ServerExporting;
	/** The rows the screen may take, key hints included. */
	readonly height: number;
	/** The clock, for tests; Date.now by default. */
	readonly now?: () => number;
	/** A key of the summary: a re-authorize, r refresh, v check, n rename, k/d/x ask first, e export. */
	readonly onAction: (action: ServerAction) => void;
	/** `g` registration JSON, `l` last login trace; the same key again: back to the summary. */
	readonly onView: (view: ServerView) => void;
	/** `y` while confirming. */
	readonly onConfirm: () => void;
	/** Esc while renaming, confirming or exporting; n and Enter too while confirming. */
	readonly onCancel: () => void;
	/** Enter in the rename field: the new name, trimmed, never empty. */
	readonly onRename: (name: string) => void;
	/** 1-7 in the export picker. */
	readonly onExport: (target: ExportTarget) => void;
	/** `y` on an export shown: to the clipboard. */
	readonly onCopyExport?: () => void;
	/** `f` on an export shown: to a file. */
	readonly onSaveExport?: () => void;
	/** `w` on an export shown: into the client's configuration file; undefined when there is nothing to write. */
	readonly onWriteExport?: () => void;
};

/** The export picker's keys, in order. */
export const exportChoices: ReadonlyArray<{readonly key: string; readonly target: ExportTarget; readonly label: string}> = [
	{key: '1', target: 'codex', label: 'Codex'},
	{key: '2', target: 'claude-code', label: 'Claude Code'},
	{key: '3', target: 'vscode', label: 'VS Code'},
	{key: '4', target: 'cursor', label: 'Cursor'},
	{key: '5', target: 'claude-desktop', label: 'Claude Desktop'},
	{key: '6', target: 'windsurf', label: 'Windsurf'},
	{key: '7', target: 'mcp-remote', label: 'another client that starts commands (in place of mcp-remote)'},
];

/** An ISO time as "today 14:03:09", or "2026-03-01 14:03:09" on another day (local time both). */
function when(iso: string, now: number): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return printableLine(iso);
	if (date.toDateString() === new Date(now).toDateString()) return `today ${clockTime(iso)}`;
	return dateTime(iso, now);
}

/** The status, ticking once a second: the summary's one clock. */
function LiveStatus({server, now}: {readonly server: SavedServer; readonly now?: () => number}) {
	const current = useClock(now);
	const status = serverStatus(server, current);
	const {mark, color} = statusMark(status);
	return (
		<Text>
			<Text color={color}>{mark}</Text> {statusLabel(status)}
		</Text>
	);
}

function CheckResult({at, result, now}: {readonly at: string; readonly result: McpCheckResult; readonly now: number}) {
	return <McpCheckLine result={result} prefix={when(at, now)} />;
}

function ActivityLine({activity}: {readonly activity: ServerActivity}) {
	switch (activity.kind) {
		case 'idle': {
			return undefined;
		}

		case 'busy': {
			return <Spinner label={activity.action === 'refresh' ? 'Refreshing…' : 'Checking…'}/>;
		}

		case 'done': {
			return <Text color="green">✓ {activity.message}</Text>;
		}

		case 'failed': {
			return <ErrorBox {...activity.error}/>;
		}
	}
}

function Summary({server, activity, now}: {readonly server: SavedServer; readonly activity: ServerActivity; readonly now?: () => number}) {
	const {client, tokens, registration, lastCheck} = server;
	const current = now?.() ?? Date.now();
	const summary = tokens ? summarizeTokens(tokens, server.scopes, current) : undefined;
	return (
		<Box flexDirection="column">
			<Field label="MCP URL">
				<Text>{printableLine(server.mcpUrl)}</Text>
			</Field>
			<Field label="Issuer">
				<Text>{printableLine(server.issuer)}</Text>
			</Field>
			<Field label="Status">
				<LiveStatus server={server} now={now}/>
			</Field>
			<Field label="Scopes asked">
				<Text>{server.scopes.length === 0 ? 'none' : printableLine(server.scopes.join(' '))}</Text>
			</Field>
			<Box marginTop={1} flexDirection="column">
				<Field label="Client">
					{client ? (
						<Text>
							{printableLine(client.clientId)} <Text dimColor>({clientSourceLabels[client.source]}, token endpoint auth {client.authMethod})</Text>
						</Text>
					) : (
						<Text>none (forgotten): a registers a new one</Text>
					)}
				</Field>
				{client?.clientSecret === undefined ? undefined : (
					<Field label="Client secret">
						<Text>{maskSecret(client.clientSecret)}</Text>
					</Field>
				)}
				{client?.privateKey !== undefined && (
					<Field label="Private key">
						<Text>kept in the store, never shown (private_key_jwt)</Text>
					</Field>
				)}
			</Box>
			<Box marginTop={1} flexDirection="column">
				{summary ? (
					<>
						<TokenFields summary={summary} now={now}/>
						<Field label="Refresh token">
							<Text>{summary.hasRefreshToken ? 'yes' : (server.grant === 'client_credentials' ? 'none needed: a new token by the same grant (client credentials)' : 'no')}</Text>
						</Field>
					</>
				) : (
					<Field label="Tokens">
						<Text>none saved: a re-authorizes</Text>
					</Field>
				)}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Field label="Last MCP check">{lastCheck ? <CheckResult at={lastCheck.at} result={lastCheck.result} now={current}/> : <Text>{server.tokens ? 'never: v checks' : 'never'}</Text>}</Field>
				<Field label="Registered">
					<Text>{registration ? when(registration.registeredAt, current) : client && client.source !== 'registration' ? `${clientSourceLabels[client.source]}: not registered here` : 'not saved'}</Text>
				</Field>
				<Field label="Saved">
					<Text>{when(server.updatedAt, current)}</Text>
				</Field>
			</Box>
			{activity.kind === 'idle' ? undefined : (
				<Box marginTop={1}>
					<ActivityLine activity={activity}/>
				</Box>
			)}
		</Box>
	);
}

/** The rows of the registration view's title, margin and key hints. */
const viewChrome = 4;

function RegistrationView({server, height, now}: {readonly server: SavedServer; readonly height: number; readonly now: number}) {
	const {registration} = server;
	if (!registration) {
		return <Text>{server.client && server.client.source !== 'registration' ? `${clientSourceLabels[server.client.source]}: no registration` : 'No registration is saved for this client.'}</Text>;
	}

	const endpoint = server.authorizationServer.registration_endpoint;
	const columns = useColumns();
	// Both through redactJson: the response carries registration_access_token, maybe client_secret.
	const lines: ReactNode[] = [
		<Text bold wrap="truncate-middle">Request{endpoint === undefined ? '' : ` (POST ${printableLine(endpoint)})`}</Text>,
		...jsonLines(redactJson(registration.request), [], columns),
		' ',
		<Text bold>Response (registered {when(registration.registeredAt, now)})</Text>,
		...jsonLines(redactJson(registration.response), [], columns),
	];
	return <ScrollView height={Math.max(3, height - viewChrome)} lines={lines}/>;
}

function TraceView({server, height}: {readonly server: SavedServer; readonly height: number}) {
	const trace = server.lastLoginTrace;
	if (!trace || trace.length === 0) return <Text>No trace saved for this server&apos;s last login.</Text>;
	return <TracePanel isActive exchanges={trace} height={Math.max(3, height - viewChrome)}/>;
}

function ExportChooser({name}: {readonly name: string}) {
	return (
		<Box flexDirection="column">
			<Text>Export {name} for:</Text>
			{exportChoices.map(({key, label}) => (
				<Text key={key}>
					{'  '}
					<Text bold>{key}</Text> {label}
				</Text>
			))}
		</Box>
	);
}

/** What w would do, said before it is pressed: the change to the file is the entry shown. */
function writeLine(write: ConfigWrite | string | undefined): string | undefined {
	if (write === undefined || typeof write === 'string') return write;
	const {file, edit} = write;
	if (edit.kind === 'same') return `${file} has this entry already.`;
	return edit.kind === 'add' ? `w adds it to ${file}, keeping a backup.` : `w replaces the entry of the same name in ${file}, keeping a backup.`;
}

/**
 * An export: where it goes and what to know first, then the snippet to look at, cut into rows that
 * scroll. The wizard prints it whole above the frame for copying (the frame's rows would cut it).
 */
function ExportShown({exporting, height}: {readonly exporting: Extract<ServerExporting, {kind: 'shown'}>; readonly height: number}) {
	const label = exportChoices.find(({target}) => target === exporting.target)?.label ?? exporting.target;
	const columns = useColumns();
	// The notes and the other ways scroll with the snippet: together they are taller than a small terminal.
	const notes = exporting.notes.flatMap(note => wrapWords(printable(`• ${note}`), columns, '  '));
	const others = exporting.others && exporting.others.length > 0 ? wrapWords(`• Also printed above: ${exporting.others.map(title => title.replace(/^Or /, '')).join('; ')}.`, columns, '  ') : [];
	const write = typeof exporting.write === 'string' ? exporting.write : writeLine(exporting.write);
	const head = [`For ${label}, through the proxy: ${exporting.where}`, 'Printed whole above this screen, to copy.', ...(write ? [write] : []), ...(exporting.done ? [exporting.done] : [])].flatMap(line => wrapWords(printable(line), columns));
	// Tabs as spaces: the terminal shows a tab wider than Ink counts it, and cut rows would overflow.
	const snippet = printable(exporting.text).replaceAll('\t', '  ').split('\n').flatMap(line => cutRows(line === '' ? ' ' : line, columns));
	const rows = [...snippet, ...(notes.length + others.length > 0 ? [' '] : []), ...notes, ...others];
	return (
		<Box flexDirection="column">
			{head.map((line, index) => (
				<Text key={index} bold={index === 0}>{line}</Text>
			))}
			<Box marginTop={1}>
				<ScrollView height={Math.max(3, height - head.length - exportChrome)} lines={rows}/>
			</Box>
		</Box>
	);
}

/** The export view's rows besides its own: the server's name and its margin, a margin, the key line. */
const exportChrome = 6;

/** The keys of the screen in each of its modes; the rename field takes every other key while open. */
function useServerKeys(props: ServerScreenProps): readonly Binding[] {
	const {server, view, activity, confirming, renaming, exporting, onAction, onView, onCancel} = props;
	const shared = useSharedKeys(renaming || confirming !== undefined || exporting !== undefined ? 'none' : 'all');
	const toList = shared.map(binding => (binding.key === 'escape' ? {...binding, label: 'back to the list'} : binding));
	const scroll: Binding = {key: '', shown: '↑↓', label: 'scroll'};
	if (renaming) return [{key: 'return', shown: 'Enter', label: 'rename'}, {key: 'escape', shown: 'Esc', label: 'cancel', action: onCancel}];
	if (confirming !== undefined) return confirmKeys(props.onConfirm, onCancel);
	if (exporting?.kind === 'choosing') {
		return [
			...exportChoices.map(({key, target}) => ({key, action: () => props.onExport(target)})),
			{key: '', shown: `1-${exportChoices.length}`, label: 'choose'},
			{key: 'escape', shown: 'Esc', label: 'cancel', action: onCancel},
		];
	}

	if (exporting?.kind === 'shown') {
		return [
			{key: 'y', label: 'copy', when: props.onCopyExport !== undefined, action: props.onCopyExport},
			{key: 'f', label: 'save to a file', when: props.onSaveExport !== undefined, action: props.onSaveExport},
			{key: 'w', label: 'write to the client\'s config', when: props.onWriteExport !== undefined, action: props.onWriteExport},
			scroll,
			{key: 'escape', shown: 'Esc', label: 'close', action: onCancel},
		];
	}
	if (view === 'registration') return [scroll, {key: 'l', label: 'last login trace', action: () => onView('trace')}, {key: 'g', label: 'back to the summary', action: () => onView('summary')}, ...toList];
	if (view === 'trace') return [scroll, {key: 'g', label: 'registration JSON', action: () => onView('registration')}, {key: 'l', label: 'back to the summary', action: () => onView('summary')}, ...toList];
	const busy = activity.kind === 'busy';
	const canRefresh = renewable(server);
	const itself = server.grant === 'client_credentials';
	return [
		// A client acting as itself has no login to do again: r asks its grant for a new token.
		{key: 'a', label: 're-authorize', when: !itself, action: () => onAction('reauthorize')},
		{key: 'r', label: itself ? 'get a new token (acts as itself)' : 'refresh now', when: canRefresh, action: busy ? undefined : () => onAction('refresh')},
		{key: '', label: 'no refresh token', when: server.tokens !== undefined && !canRefresh},
		// Without tokens there is nothing to check with: a logs in again.
		{key: 'v', label: 'check with MCP', when: server.tokens !== undefined, action: busy ? undefined : () => onAction('check')},
		{key: 'n', label: 'rename', action: () => onAction('rename')},
		{key: 'k', label: 'forget tokens', when: server.tokens !== undefined, action: () => onAction('forget-tokens')},
		{key: 'g', label: 'registration JSON', action: () => onView('registration')},
		{key: 'l', label: 'last login trace', action: () => onView('trace')},
		{key: 'e', label: 'export', action: () => onAction('export')},
		{key: 'd', label: 'forget the registration', when: server.client?.source === 'registration', action: () => onAction('forget-registration')},
		{key: 'x', label: 'remove', action: () => onAction('remove')},
		...toList,
	];
}

/**
 * One saved server: its details and live status, the actions on it (some asking y/n first), the
 * registration JSON, the last login's trace, rename and export. Esc goes back to the list, except where
 * it cancels a field, a question or the export.
 */
export function ServerScreen(props: ServerScreenProps) {
	const {server, view, activity, confirming, renaming, exporting, height, now, onRename} = props;
	const keymap = useServerKeys(props);
	useKeymap(keymap);

	const name = printableLine(server.name);
	let title: ReactNode = <Text bold>{name}</Text>;
	let body: ReactNode;
	if (renaming) {
		body = (
			<Box>
				<Text>New name: </Text>
				<TextInput
					defaultValue={server.name}
					onSubmit={value => {
						if (value.trim() !== '') onRename(value.trim());
					}}
				/>
			</Box>
		);
	} else if (confirming !== undefined) {
		const {question, details} = confirmationFor(confirming, server);
		body = <Confirm question={question} details={details}/>;
	} else if (exporting?.kind === 'choosing') {
		body = <ExportChooser name={name}/>;
	} else if (exporting?.kind === 'shown') {
		body = <ExportShown exporting={exporting} height={height}/>;
	} else if (view === 'registration') {
		title = <Text bold>{name} · client registration</Text>;
		body = <RegistrationView server={server} height={height} now={now?.() ?? Date.now()}/>;
	} else if (view === 'trace') {
		const trace = server.lastLoginTrace;
		title = (
			<Text bold>
				{name} · last login trace{trace && trace.length > 0 ? ` (${trace.length} exchanges, secrets masked)` : ''}
			</Text>
		);
		body = <TraceView server={server} height={height}/>;
	} else {
		body = <Summary server={server} activity={activity} now={now}/>;
	}

	return (
		<Box flexDirection="column">
			{title}
			<Box flexDirection="column" marginTop={1}>
				{body}
			</Box>
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
