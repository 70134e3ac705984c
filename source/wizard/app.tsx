import {Box, useApp, useInput, useStdout} from 'ink';
import {Text} from '../components/text.js';
import {useReducer, useSyncExternalStore} from 'react';
import {KeyHints} from '../components/key-hints.js';
import {TracePanel} from '../components/trace-panel.js';
import {StepScreen, clientWayLabels, wayReason} from './step-screen.js';
import type {WizardServices} from './services.js';
import {type Step, assertNever, clientWayOf, globalKeys, initialState, reducer} from './state.js';
import {useGlobalKeys} from './use-global-keys.js';
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

function Header({step}: {readonly step: Step}) {
	const current = stepNumber(step);
	if (current === 0) {
		return (
			<Box marginBottom={1}>
				<Text bold>mcp-auth-wizard </Text>
				<Text color="cyan">saved servers</Text>
			</Box>
		);
	}

	return (
		<Box marginBottom={1}>
			<Text bold>mcp-auth-wizard </Text>
			{stepTitles.map((title, index) => (
				<Text key={title} bold={index + 1 === current} color={index + 1 === current ? 'cyan' : undefined} dimColor={index + 1 !== current}>
					{` ${index + 1} ${title}${index + 1 < stepTitles.length ? ' ›' : ''}`}
				</Text>
			))}
		</Box>
	);
}

/** The guided login: one reducer over the steps, effects in hooks, one screen at a time. */
export function App({services, initialUrl, banner}: AppProps) {
	const [state, dispatch] = useReducer(reducer, {url: initialUrl, servers: services.store.list()}, initialState);
	const {exit} = useApp();
	const {stdout} = useStdout();
	const height = Math.max(8, (stdout.rows || 24) - 5 - (banner ? banner.split('\n').length : 0) - services.store.notices.length);
	const exchanges = useSyncExternalStore(services.http.subscribe, () => services.http.exchanges);

	const listener = useCallbackListener(state.step, dispatch, services);
	useDiscovery(state.step, dispatch, services);
	useRegistration(state.step, dispatch, services, state.redirectUri, listener);
	const login = useLogin(state.step, dispatch, services, listener);
	useTokenLifecycle(state.step, dispatch, services);
	useClientCheck(state.step, state.servers, dispatch, services);
	useServerActions(state.step, dispatch, services);
	useDocumentCheck(state.step, dispatch, services);
	useToolCall(state.step, dispatch, services);
	const {step} = state;
	const call = step.name === 'tokens' ? step.call : undefined;
	useInput(
		(input, key) => {
			if (call === undefined && input === 'c' && !key.ctrl) dispatch({type: 'tool-call-opened'});
			else if (call !== undefined && key.escape) dispatch({type: 'tool-call-closed'});
			else if (call?.kind === 'done' && call.stepUpScopes && key.return) dispatch({type: 'step-up-accepted'});
		},
		{isActive: step.name === 'tokens' && !state.traceOpen && step.check.kind === 'done' && step.check.result.ok},
	);
	const keys = state.traceOpen ? 'all' : globalKeys(state.step);
	const way = keys === 'all' ? clientWayOf(state.step) : undefined;
	useInput(
		input => {
			if (input === 'w') dispatch({type: 'client-way-opened'});
		},
		{isActive: way !== undefined && !state.traceOpen},
	);
	useGlobalKeys({
		scope: keys,
		onBack: () => dispatch(state.traceOpen ? {type: 'trace-toggled'} : {type: 'back'}),
		onQuit: () => exit(),
		// Unmounting runs every effect's cleanup: requests aborted, the loopback listener closed. A store
		// write under way finishes (each is one atomic rename), so the file is never left half-written.
		onInterrupt: () => exit(interrupted),
		onToggleTrace: () => dispatch({type: 'trace-toggled'}),
	});

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
				<Box flexDirection="column">
					<Text bold>HTTP trace ({exchanges.length} exchanges, secrets masked)</Text>
					<TracePanel exchanges={exchanges} height={height - 2} isActive />
					<KeyHints hints={[['t', 'back to the step'], ['q', 'quit']]} />
				</Box>
			) : (
				<Box flexDirection="column">
					{way ? <Text dimColor>{`Client: ${clientWayLabels[way]}, ${wayReason(state.step, way, services)}. w: another way`}</Text> : null}
					<StepScreen state={state} dispatch={dispatch} services={services} height={height - (way ? 1 : 0)} login={login} />
				</Box>
			)}
		</Box>
	);
}
