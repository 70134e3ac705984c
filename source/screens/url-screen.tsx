import {TextInput} from '@inkjs/ui';
import {Box} from 'ink';
import {Text} from '../components/text.js';
import {useState} from 'react';
import {WizardError} from '../core/errors.js';
import {parseServerUrl} from '../core/urls.js';
import {type Binding, KeyLine, useKeymap, useSharedKeys} from '../components/keymap.js';

export type UrlScreenProps = {
	/** The URL to start from, e.g. the one whose discovery failed. */
	readonly initialValue?: string;
	/** Why the last URL did not work; shown until the URL is edited. */
	readonly error?: string;
	/** Gets the parsed URL (URL.href), only ever a valid one. */
	readonly onSubmit: (url: string) => void;
};

type Check = {readonly ok: true; readonly url: string} | {readonly ok: false; readonly message: string; readonly hint: string};

function check(value: string): Check {
	try {
		return {ok: true, url: parseServerUrl(value).href};
	} catch (error) {
		if (error instanceof WizardError) return {ok: false, message: error.message, hint: error.hint};
		throw error;
	}
}

/** Asks for the MCP server URL, checking it as it is typed. Every key is text here, Esc and q too. */
export function UrlScreen({initialValue = '', error, onSubmit}: UrlScreenProps) {
	const [value, setValue] = useState(initialValue);
	const result = check(value);
	// Every other key is text here, q and t too.
	const keymap: readonly Binding[] = [{key: 'return', shown: 'Enter', label: 'discover'}, ...useSharedKeys('escape'), {key: '', shown: 'Ctrl-C', label: 'quit'}];
	useKeymap(keymap);
	return (
		<Box flexDirection="column">
			<Text bold>Which MCP server do you want to log in to?</Text>
			<Box marginTop={1}>
				<Text>URL: </Text>
				<TextInput
					defaultValue={initialValue}
					placeholder="https://example.com/mcp"
					onChange={setValue}
					onSubmit={typed => {
						const submitted = check(typed);
						if (submitted.ok) onSubmit(submitted.url);
					}}
				/>
			</Box>
			{!result.ok && value.trim() !== '' ? (
				<Box flexDirection="column" marginTop={1}>
					<Text color="yellow">{result.message}</Text>
					<Text dimColor>{result.hint}</Text>
				</Box>
			) : undefined}
			{/* Why the URL was refused, unless the check above already says it. */}
			{error !== undefined && value === initialValue && result.ok ? (
				<Box marginTop={1}>
					<Text color="red">{error}</Text>
				</Box>
			) : undefined}
			<KeyLine bindings={keymap} />
		</Box>
	);
}
