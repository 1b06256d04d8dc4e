// A bug in a component must not put a stack trace on the operator's screen: report one line
// and let run.ts stop the nodes and exit.
import React, {Component, type ReactNode} from 'react';
import {Text} from 'ink';
import {sanitize} from '../text/sanitize.js';
import {errorLine} from '../text/error-line.js';

type Props = {readonly children: ReactNode; readonly onCrash: (error: Error) => void};

export class ErrorBoundary extends Component<Props, {error?: Error}> {
	override state: {error?: Error} = {};

	static getDerivedStateFromError(error: Error) {
		return {error};
	}

	override componentDidCatch(error: Error): void {
		this.props.onCrash(error);
	}

	override render() {
		if (this.state.error) return <Text>ha-tui: internal error: {sanitize(errorLine(this.state.error))} (stopping)</Text>;
		return this.props.children;
	}
}
