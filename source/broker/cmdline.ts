// Recognises a broker from its argv: `java … -Dartemis.instance=… org.apache.activemq.artemis.boot.Artemis run`
// (what bin/artemis and artemis-service exec) or HornetQ's `… org.hornetq.integration.bootstrap.HornetQBootstrapServer hornetq-beans.xml`.
// Pure: no I/O here.

export const ARTEMIS_MAIN = 'org.apache.activemq.artemis.boot.Artemis';
export const HORNETQ_MAIN = 'org.hornetq.integration.bootstrap.HornetQBootstrapServer';

export type BrokerKind = 'artemis' | 'hornetq';

export type BrokerCommandLine = {
	readonly kind: BrokerKind;
	/** -Dkey=value before the main class (a later one wins, as in the JVM). */
	readonly properties: ReadonlyMap<string, string>;
	/** -cp / -classpath / --class-path entries (HornetQ finds its configuration on the class path). */
	readonly classPath: readonly string[];
	/** Arguments after the main class. */
	readonly args: readonly string[];
	/** Artemis: the bootstrap configuration argument (`xml:/…/bootstrap.xml`), if given. */
	readonly bootstrapUri?: string;
	/** Artemis: `run --broker <uri>` overrides bootstrap.xml's broker configuration. */
	readonly brokerUri?: string;
};

// JVM options whose value is the next argument (java --help). Only needed so a value such as
// `--add-opens java.base/jdk.internal.misc=ALL-UNNAMED` (artemis.profile has it) is not read as an option.
const jvmOptionsWithValue = new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path', '--upgrade-module-path', '--add-modules', '--add-opens', '--add-exports', '--add-reads', '--patch-module', '--limit-modules', '--enable-native-access', '--source']);

/** Artemis commands that start a broker; everything else (`data print`, `producer`, …) is a tool. */
const brokerCommands = new Set(['run']);

export function parseBrokerCommandLine(argv: readonly string[]): BrokerCommandLine | undefined {
	const mainIndex = argv.findIndex(argument => argument === ARTEMIS_MAIN || argument === HORNETQ_MAIN);
	if (mainIndex < 0) return undefined;
	const kind: BrokerKind = argv[mainIndex] === ARTEMIS_MAIN ? 'artemis' : 'hornetq';
	const properties = new Map<string, string>();
	const classPath: string[] = [];
	for (let index = 0; index < mainIndex; index++) {
		const argument = argv[index];
		if (argument.startsWith('-D')) {
			const equals = argument.indexOf('=');
			if (equals > 2) properties.set(argument.slice(2, equals), argument.slice(equals + 1));
			else if (argument.length > 2) properties.set(argument.slice(2), '');
		} else if (jvmOptionsWithValue.has(argument) && index + 1 < mainIndex) {
			if (argument === '-cp' || argument === '-classpath' || argument === '--class-path') classPath.push(...argv[index + 1].split(':').filter(Boolean));
			index++;
		} else if (argument.startsWith('--class-path=')) {
			classPath.push(...argument.slice('--class-path='.length).split(':').filter(Boolean));
		}
	}

	const args = argv.slice(mainIndex + 1);
	if (kind === 'hornetq') return {kind, properties, classPath, args};
	const command = args.find(argument => !argument.startsWith('-'));
	if (!command || !brokerCommands.has(command)) return undefined;
	let bootstrapUri: string | undefined;
	let brokerUri: string | undefined;
	const rest = args.slice(args.indexOf(command) + 1);
	for (let index = 0; index < rest.length; index++) {
		const argument = rest[index];
		if (argument === '--broker' && index + 1 < rest.length) brokerUri = rest[++index];
		else if (argument.startsWith('--broker=')) brokerUri = argument.slice('--broker='.length);
		else if (argument.startsWith('xml:')) bootstrapUri = argument;
	}

	return {kind, properties, classPath, args, bootstrapUri, brokerUri};
}
