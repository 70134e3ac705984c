import {printable} from '../core/text.js';
import {Box} from 'ink';
import {Text} from './text.js';
import type {ErrorInfo} from '../core/errors.js';

export type ErrorBoxProps = ErrorInfo & {
	/** What was being done, e.g. "Registration failed"; the message alone when absent. */
	readonly title?: string;
};

const maxBodyLines = 40;

/** What failed, the server's answer verbatim (cut at 40 lines), and what to try next. */
export function ErrorBox({title, message, hint, answer}: ErrorBoxProps) {
	const lines = answer ? printable(answer.body).split('\n') : [];
	const cut = lines.length - maxBodyLines;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="red" paddingX={1}>
			{title ? <Text bold color="red">{title}</Text> : undefined}
			<Text color={title ? undefined : 'red'} bold={!title}>
				{message}
			</Text>
			{answer ? (
				<Box flexDirection="column" marginTop={1}>
					<Text>
						The server said (HTTP {answer.status} from {answer.url}):
					</Text>
					<Text>{(cut > 0 ? lines.slice(0, maxBodyLines) : lines).join('\n') || '(empty body)'}</Text>
					{cut > 0 ? <Text dimColor>… {cut} more lines (t shows the whole trace)</Text> : undefined}
				</Box>
			) : undefined}
			<Box marginTop={1}>
				<Text>Try: {hint}</Text>
			</Box>
		</Box>
	);
}
