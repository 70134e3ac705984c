import {Spinner} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import SelectInput from 'ink-select-input';
import {ErrorBox} from '../components/error-box.js';
import {printable, printableLine} from '../core/text.js';
import type {ToolCallState} from '../wizard/token-state.js';

export type ToolCallPanelProps = {
	readonly call: ToolCallState;
	/** Enter on a tool in the list. */
	readonly onPick: (tool: string) => void;
};

/**
 * Calling a tool with the token, from the token screen: the result, or, on 403 insufficient_scope, the
 * scopes the server asked for and the offer to log in again with them (MCP 2025-11-25, Step-Up Authorization Flow).
 */
export function ToolCallPanel({call, onPick}: ToolCallPanelProps) {
	switch (call.kind) {
		case 'picking': {
			return (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>Call which tool (with no arguments)?</Text>
					<SelectInput items={call.tools.map(tool => ({key: tool, value: tool, label: printableLine(tool)}))} onSelect={item => onPick(item.value)} />
				</Box>
			);
		}

		case 'listing': {
			return <Spinner label="Listing the tools (the MCP check)…" />;
		}

		case 'running': {
			return <Spinner label={`Calling ${printableLine(call.tool)}…`} />;
		}

		case 'done': {
			const {result} = call;
			if (result.ok) {
				return (
					<Box flexDirection="column" marginTop={1}>
						<Text color={result.isError ? 'red' : 'green'}>
							{result.isError ? '✗' : '✓'} {call.tool} answered{result.isError ? ' with an error of its own' : ''}:
						</Text>
						<Text>{printable(JSON.stringify(result.structuredContent ?? result.content)).slice(0, 600)}</Text>
					</Box>
				);
			}

			return (
				<Box flexDirection="column" marginTop={1}>
					<ErrorBox title={`${call.tool} was refused`} message={result.message} hint={result.hint} />
					{call.stepUpScopes ? <Text>The server asks for: {printableLine(result.insufficientScope?.scopes.join(' ') ?? '')}</Text> : undefined}
				</Box>
			);
		}
	}
}
