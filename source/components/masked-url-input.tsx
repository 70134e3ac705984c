import {useInput} from 'ink';
import {Text} from './text.js';
import {useState} from 'react';
import {maskPastedSecret, redactUrl} from '../core/redact.js';

export type MaskedInputProps = {
	/** Shown dim while the field is empty. */
	readonly placeholder?: string;
	/** Enter: the text as typed, unmasked. */
	readonly onSubmit: (value: string) => void;
};

/**
 * A field whose text may carry a secret, shown through `mask`, never whole: a callback URL (its
 * authorization code), or a token pasted where its file's path goes. Text is pasted rather than
 * edited, so it takes typing and Backspace at the end only.
 */
export function MaskedInput({placeholder = '', onSubmit, mask}: MaskedInputProps & {readonly mask: (value: string) => string}) {
	const [value, setValue] = useState('');
	useInput((input, key) => {
		if (key.return) onSubmit(value);
		else if (key.backspace || key.delete) setValue(current => current.slice(0, -1));
		// Arrows and the like come as empty input; Esc and Ctrl-C are for others.
		else if (!key.ctrl && !key.meta) setValue(current => current + input);
	});
	if (value === '') return <Text dimColor>{placeholder}</Text>;
	return (
		<Text>
			{mask(value)}
			<Text inverse> </Text>
		</Text>
	);
}

/** A URL field: its secret parameters masked (redactUrl). */
export function MaskedUrlInput(props: MaskedInputProps) {
	return <MaskedInput {...props} mask={redactUrl} />;
}

/** A file's path: a secret pasted there instead (a JWT, a PEM key) is masked. */
export function PathInput(props: MaskedInputProps) {
	return <MaskedInput {...props} mask={maskPastedSecret} />;
}
