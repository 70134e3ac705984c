import {Box, useApp, useStdout} from 'ink';
import {Text} from '../components/text.js';
import {useMemo, useReducer, useSyncExternalStore} from 'react';
import {type Binding, KeyLine, type SharedKeys, SharedKeysContext, useKeymap} from '../components/keymap.js';
import {TracePanel} from '../components/trace-panel.js';
import {useColumns} from '../components/columns.js';
import {wrapWords} from '../components/rows.js';
import {StepScreen, clientWayLabels, wayReason} from './step-screen.js';
import type {Exchange} from '../core/http.js';
import type {WizardServices} from './services.js';
import {clientWayOf, loginTarget} from './login-state.js';
import {sameResource} from '../core/urls.js';
import {uniqueServerName} from '../store/saved-server.js';
import type {SavedServer} from '../store/types.js';
import {assertNever} from '../core/errors.js';
import {type Step, canGoBack, initialState, reducer} from './state.js';
import {useInterruptKey} from './use-interrupt-key.js';
import {useClientCheck, useServerActions} from './use-server-effects.js';
import {useCallbackListener, useDiscovery, useDocumentCheck, useLogin, useRegistration, useTokenLifecycle, useToolCall} from './use-wizard-effects.js';

export type AppProps = {
	/** Everything with side effects: HTTP, the store, the core steps. */
	readonly services: WizardServices;
	/** Start at discovery for this URL instead of asking for one. */
	readonly initialUrl?: string;
	/** A line above the steps, e.g. that the sandbox is running. */
	readonly banner?: string;
};

/** What waitUntilExit() resolves with after Ctrl-C; q resolves it with undefined. */
export const interrupted = 'interrupted';

const stepTitles = ['URL', 'Discovery', 'Metadata', 'Scopes', 'Client', 'Login', 'Token'] as const;

function stepNumber(step: Step): number {
	switch (step.name) {
		case 'url': {
			return 1;
		}

		case 'discovery': {
			return 2;
		}

		case 'metadata': {
			return 3;
		}

		case 'scopes': {
			return 4;
		}

		case 'client-id':
		case 'client-way':
		case 'enterprise':
		case 'client-check':
		case 'client-metadata-document':
		case 'registration':
		case 'pre-registered':
		case 'reused': {
			return 5;
		}

		case 'login': {
			return 6;
		}

		case 'tokens': {
			return 7;
		}

		case 'servers':
		case 'server': {
			return 0;
		}

		default: {
			return assertNever(step);
		}
	}
}

/**
 * The steps as the header shows them within `columns`: every title where they fit (91 columns), else
 * the current one's alone, else "step 4 of 7".
 */
function headerSteps(current: number, columns: number): ReadonlyArray<{readonly text: string; readonly current: boolean}> {
	const last = stepTitles.length;
	const forms = [
		stepTitles.map((title, index) => ` ${index + 1} ${title}${index + 1 < last ? ' ›' : ''}`),
		stepTitles.map((title, index) => ` ${index + 1}${index + 1 === current ? ` ${title}` : ''}${index + 1 < last ? ' ›' : ''}`),
	];
	const fits = forms.find(form => appName.length + form.join('').length <= columns);
	if (fits) return fits.map((text, index) => ({text, current: index + 1 === current}));
	return [{text: ` ${current}/${last} ${stepTitles[current - 1] ?? ''}`, current: true}];
}

const appName = 'mcp-auth-wizard';

function Header({step}: {readonly step: Step}) {
	const current = stepNumber(step);
	const columns = useColumns();
	if (current === 0) {
		return (
			<Box marginBottom={1}>
				<Text bold>mcp-auth-wizard </Text>
				<Text color="cyan">saved servers</Text>
			</Box>
		);
	}

	// One line that fits: a header the terminal wraps is a header Ink leaves behind on every redraw.
	return (
		<Box marginBottom={1}>
			<Text bold>{appName}</Text>
			{headerSteps(current, columns).map(({text, current: here}) => (
				<Text key={text} bold={here} color={here ? 'cyan' : undefined} dimColor={!here}>
					{text}
				</Text>
			))}
		</Box>
	);
}

/** The rows lines take once wrapped at spaces, as Ink and the terminal wrap them. */
function rowsOf(lines: readonly string[], columns: number): number {
	return lines.reduce((rows, line) => rows + wrapWords(line, columns).length, 0);
}

/** The HTTP trace over the step: t or Esc goes back to it. */
function Trace({exchanges, height, onClose, onQuit}: {readonly exchanges: readonly Exchange[]; readonly height: number; readonly onClose: () => void; readonly onQuit: () => void}) {
	const keymap: readonly Binding[] = [{key: 't', label: 'back to the step', action: onClose}, {key: 'escape', action: onClose}, {key: 'q', label: 'quit', action: onQuit}];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>HTTP trace ({exchanges.length} exchanges, secrets masked)</Text>
			<TracePanel exchanges={exchanges} height={height - 2} isActive />
			<KeyLine bindings={keymap} />
		</Box>
	);
}

/** The guided login: one reducer over the steps, effects in hooks, one screen at a time. */
/** What a new login to a server saved already does to its saved logins: adds one as `name`, or replaces that one. */
function loginNote(logins: readonly SavedServer[], name: string): string {
	if (logins.some(login => login.name === name)) return `Saved already as "${name}": this login replaces its client and tokens.`;
	const saved = logins.length === 1 ? `as "${logins[0]!.name}"` : `${logins.length} times`;
	return `Saved already ${saved}: this login is added as "${name}" (to log in to a saved one again: Esc, then a on it).`;
}

export function App({services, initialUrl, banner}: AppProps) {
	const [state, dispatch] = useReducer(reducer, {url: initialUrl, servers: services.store.list()}, initialState);
	const {exit} = useApp();
	const {stdout, write: stdoutWrite} = useStdout();
	const columns = useColumns();
	// The rows the banner and the notices take once the terminal has wrapped them.
	const height = Math.max(8, (stdout.rows || 24) - 5 - rowsOf([...(banner ? banner.split('\n') : []), ...services.store.notices], columns));
	const exchanges = useSyncExternalStore(services.http.subscribe, () => services.http.exchanges);

	const listener = useCallbackListener(state.step, dispatch, services);
	useDiscovery(state.step, dispatch, services);
	useRegistration(state.step, dispatch, services, state.redirectUri, listener);
	const login = useLogin(state.step, dispatch, services, listener, stdoutWrite);
	useTokenLifecycle(state.step, dispatch, services);
	useClientCheck(state.step, state.servers, dispatch, services);
	useServerActions(state.step, dispatch, services);
	useDocumentCheck(state.step, dispatch, services);
	useToolCall(state.step, dispatch, services);
	// Unmounting runs every effect's cleanup: requests aborted, the loopback listener closed. A store
	// write under way finishes (each is one atomic rename), so the file is never left half-written.
	useInterruptKey(() => exit(interrupted));
	const back = canGoBack(state);
	// The keys every screen offers (see useSharedKeys); each screen's keymap says when they apply.
	const shared = useMemo<SharedKeys>(() => ({back: back ? () => dispatch({type: 'back'}) : undefined, quit: () => exit(), trace: () => dispatch({type: 'trace-toggled'})}), [back]);
	const way = clientWayOf(state.step);
	// A new login to a server saved already is saved beside it, as another login (--name's may replace
	// one): said while it is still an easy step back (up to the scopes), not for a re-authorization or step-up.
	const target = ['discovery', 'metadata', 'scopes'].includes(state.step.name) ? loginTarget(state.step) : undefined;
	const stepUp = state.step.name === 'scopes' && state.step.stepUpTool !== undefined;
	const logins = target && !target.reauth && !stepUp ? state.servers.filter(server => sameResource(server.mcpUrl, target.url)) : [];
	// --name of another server's login: said before the browser, since the login could not be saved.
	const named = target && !target.reauth && !stepUp ? state.servers.find(server => server.name === services.options.name && !sameResource(server.mcpUrl, target.url)) : undefined;
	const saving = named
		? `"${named.name}" (--name) is the saved login of ${named.mcpUrl}: this login could not be saved under it. Quit (q) and start again with another --name.`
		: logins.length === 0 ? undefined : loginNote(logins, services.options.name ?? uniqueServerName(state.servers, logins[0]!.mcpUrl));
	// A re-authorization that reuses the saved client has no client screen: said where it would be.
	const reused = state.step.name === 'login' && state.step.from.name === 'reused' ? state.step.client.clientId : undefined;
	// The lines above the step, as many rows as the terminal wraps them into: the step gets the rest.
	const notes = [
		...(way ? [{text: `Client: ${clientWayLabels[way]}, ${wayReason(state.step, way, services)}.`, dim: true}] : []),
		...(saving ? [{text: saving, dim: false}] : []),
		...(reused === undefined ? [] : [{text: `Client: ${reused}, saved with this server, logs in again: no new registration.`, dim: true}]),
	];

	return (
		<Box flexDirection="column">
			{banner ? <Text dimColor>{banner}</Text> : null}
			{services.store.notices.map(notice => (
				<Text key={notice} color="yellow">
					{notice}
				</Text>
			))}
			<Header step={state.step} />
			{state.traceOpen ? (
				<Trace exchanges={exchanges} height={height} onClose={() => dispatch({type: 'trace-toggled'})} onQuit={() => exit()} />
			) : (
				<SharedKeysContext.Provider value={shared}>
					{notes.map(note => (
						<Text key={note.text} dimColor={note.dim} color={note.dim ? undefined : 'yellow'}>
							{note.text}
						</Text>
					))}
					<StepScreen state={state} dispatch={dispatch} services={services} height={height - rowsOf(notes.map(note => note.text), columns)} login={login} print={stdoutWrite} />
				</SharedKeysContext.Provider>
			)}
		</Box>
	);
}
