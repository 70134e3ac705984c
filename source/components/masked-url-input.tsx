import {useInput} from 'ink';
import {Text} from './text.js';
import {useState} from 'react';
import {redactUrl} from '../core/redact.js';

export type MaskedUrlInputProps = {
	/** Shown dim while the field is empty. */
	readonly placeholder?: string;
	/** Enter: the text as typed, unmasked. */
	readonly onSubmit: (value: string) => void;
};

/**
 * A field for a URL that carries a secret (a callback URL carries the authorization code): it shows
 * what was typed or pasted with the secret parameters masked, never whole. A URL is pasted rather than
 * edited, so it takes typing and Backspace at the end only.
 */
export function MaskedUrlInput({placeholder = '', onSubmit}: MaskedUrlInputProps) {
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
			{redactUrl(value)}
			<Text inverse> </Text>
		</Text>
	);
}
