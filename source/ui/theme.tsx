// Colour, switchable off (NO_COLOR, https://no-color.org). Ink's chalk does not read NO_COLOR
// itself, so every colour on screen goes through a Tone. Meaning never rests on colour alone:
// each tone comes with a word or a symbol in the text.
import process from 'node:process';
import React, {createContext, useContext, type ReactNode} from 'react';
import {Text, type TextProps} from 'ink';

/** holder2…4: the timeline's second to fourth holder (the first is accent), each with its own pattern too. */
export type ToneName = 'ok' | 'warn' | 'error' | 'info' | 'accent' | 'muted' | 'holder2' | 'holder3' | 'holder4';

const palette: Readonly<Record<ToneName, string | undefined>> = {
	ok: 'green',
	warn: 'yellow',
	error: 'red',
	info: undefined,
	accent: 'cyan',
	muted: 'gray',
	holder2: 'magenta',
	holder3: 'blue',
	holder4: 'yellowBright',
};

/** NO_COLOR counts when present and not empty. */
export function colorsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
	return !env.NO_COLOR;
}

export const ColorContext = createContext<boolean>(colorsWanted());

export function toneColor(tone: ToneName | undefined, colors: boolean): string | undefined {
	return colors && tone ? palette[tone] : undefined;
}

export function useToneColor(): (tone: ToneName | undefined) => string | undefined {
	const colors = useContext(ColorContext);
	return tone => toneColor(tone, colors);
}

type ToneProps = Omit<TextProps, 'color'> & {readonly tone?: ToneName; readonly children?: ReactNode};

export function Tone({tone, dimColor, ...props}: ToneProps) {
	const colors = useContext(ColorContext);
	// Without colour, "muted" is still dim: that is a style, not a colour.
	return <Text {...props} color={toneColor(tone, colors)} dimColor={dimColor ?? (tone === 'muted' && !colors)}/>;
}

// The palette's SGR codes, for text painted outside Ink (clock-painter.ts): as Ink writes them.
const sgr: Readonly<Record<string, readonly [number, number]>> = {green: [32, 39], yellow: [33, 39], red: [31, 39], cyan: [36, 39], gray: [90, 39], magenta: [35, 39], blue: [34, 39], yellowBright: [93, 39]};

/** `text` in a tone's colour as escape codes (no colour: as it is, "muted" dim). */
export function toneText(text: string, tone: ToneName, colors: boolean): string {
	const color = toneColor(tone, colors);
	const [open, close] = color ? sgr[color] : tone === 'muted' ? [2, 22] : [undefined, undefined];
	return open === undefined ? text : `\u001B[${open}m${text}\u001B[${close}m`;
}

export const levelSymbol: Readonly<Record<'ok' | 'warn' | 'error' | 'info', string>> = {
	ok: '✔',
	warn: '▲',
	error: '✖',
	info: '·',
};
