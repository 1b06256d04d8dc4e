// Secrets this process was given (a database password) and must never print. The output
// layer (commands/output.ts) passes every line through maskSecrets(), so an error message that
// quotes a connection string, or a JSON field, cannot leak one by accident.
const secrets = new Set<string>();

/** Remember a secret to mask; very short ones too (a one-letter password is still a password). */
export function registerSecret(secret: string): void {
	if (secret.length > 0) secrets.add(secret);
}

export function maskSecrets(text: string): string {
	let masked = text;
	for (const secret of secrets) {
		if (masked.includes(secret)) masked = masked.split(secret).join('***');
		// The same secret as it appears inside JSON or a URL.
		for (const form of [JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
			if (form !== secret && masked.includes(form)) masked = masked.split(form).join('***');
		}
	}

	return masked;
}
