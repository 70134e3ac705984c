import {Spinner} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import type {Attempt, DiscoveryStage} from '../core/discovery.js';
import {ErrorBox} from '../components/error-box.js';
import type {ErrorInfo} from '../core/errors.js';
import {printable} from '../core/text.js';
import type {DiscoveryRow} from '../wizard/login-state.js';
import {KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';

export type DiscoveryScreenProps = {
	/** The MCP server URL being discovered. */
	readonly url: string;
	/** Every request started so far, in the order started. */
	readonly attempts: readonly DiscoveryRow[];
	/** Why discovery stopped (the probe got no answer); the rows stay above it. */
	readonly error?: ErrorInfo;
};

const stages: ReadonlyArray<readonly [DiscoveryStage, string]> = [
	['probe', 'Probe: the MCP request without a token'],
	['resource-metadata', 'Protected resource metadata (RFC 9728)'],
	['authorization-server-metadata', 'Authorization server metadata (RFC 8414)'],
];

const outcomes: Record<Attempt['outcome'], {readonly mark: string; readonly words: string; readonly color?: string}> = {
	used: {mark: '✓', words: 'used', color: 'green'},
	answered: {mark: '✓', words: 'answered', color: 'green'},
	rejected: {mark: '✗', words: 'rejected', color: 'red'},
	'not-found': {mark: '–', words: 'not found'},
	failed: {mark: '✗', words: 'failed', color: 'red'},
	cancelled: {mark: '○', words: 'cancelled'},
};

function Row({row}: {readonly row: DiscoveryRow}) {
	const {attempt} = row;
	if (!attempt) return <Spinner label={printable(row.url)}/>;
	const outcome = outcomes[attempt.outcome];
	return (
		<Text>
			<Text color={outcome.color}>
				{outcome.mark} {String(attempt.status ?? '---')} {outcome.words.padEnd(9)}
			</Text>{' '}
			{row.url} <Text dimColor>{attempt.ms} ms</Text>
			{attempt.note ? <Text dimColor> ({attempt.note})</Text> : undefined}
		</Text>
	);
}

/** The discovery requests as they run, grouped by stage, each with its status, outcome and time. */
export function DiscoveryScreen({url, attempts, error}: DiscoveryScreenProps) {
	const keymap = useSharedKeys();
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>Discovering how to log in to {url}</Text>
			{stages.map(([stage, title]) => {
				const rows = attempts.filter(row => row.stage === stage);
				if (rows.length === 0) return undefined;
				return (
					<Box key={stage} flexDirection="column" marginTop={1}>
						<Text underline>{title}</Text>
						{rows.map((row, index) => (
							<Row key={`${row.url} ${index}`} row={row}/>
						))}
					</Box>
				);
			})}
			{error ? (
				<Box marginTop={1}>
					<ErrorBox title="Discovery failed" {...error}/>
				</Box>
			) : undefined}
			<KeyLine bindings={keymap}/>
		</Box>
	);
}
