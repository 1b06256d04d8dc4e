// Drives the REAL shared-store node manager of whichever HornetQ or Artemis jar is on the classpath
// (org.hornetq.core.server.impl.FileLockNodeManager for HornetQ 2.2–2.4,
// org.apache.activemq.artemis.core.server.impl.FileLockNodeManager for every Artemis; with --aio
// their AIOFileLockNodeManager, HornetQ 2.2–2.4 and Artemis ≤ 2.0: flock on server.1.lock /
// server.2.lock through the native libaio layer), the way a broker's shared-store activation does,
// so ha-tui can be tested against their own lock code. Tested: HornetQ 2.2.14, 2.3.25, 2.4.7,
// Artemis 2.0.0 … 2.56.0 (test/interop/versions.ts).
// Reflection only: this file compiles against the JDK alone, and copes with what changed between
// versions, all here rather than in the tests:
//   - names: startLiveNode → startPrimaryNode, awaitLiveNode → awaitPrimaryNode, pauseLiveServer →
//     pausePrimaryServer, crashLiveServer → crashPrimaryServer, awaitLiveStatus → awaitActiveStatus;
//   - constructors: HornetQ 2.2 (String), 2.3–2.4 (String, boolean), Artemis (File, boolean),
//     2.11–2.4x (File, boolean, ScheduledExecutorService: the lock monitor), 2.50+ (File, boolean,
//     Configuration, ScheduledExecutorService) — the 3-argument one is gone;
//   - HornetQ's startLiveNode writes L itself and returns nothing; Artemis' startPrimaryNode returns
//     an ActivateCallback whose activationComplete() writes L;
//   - HornetQ has no awaitLiveStatus: its failback checker (HornetQServerImpl.FailbackChecker) stops
//     the activated backup (stop(true): crashLiveServer, leaving the F the returning live wrote),
//     sleeps failback-delay (default 5 s), and starts it again as a backup.
//
//   java -cp <driver dir>:<classpath> RealNodeManagerDriver primary|live|backup <directory>
//        [--aio]                 (AIOFileLockNodeManager; fails unless the native layer loaded)
//        [--failback-check-ms N] (default 1000, the failback checker period of both)
//        [--failback-delay-ms N] (HornetQ: the sleep between stepping down and queuing again; 5000)
//        [--no-failback]         (an activated backup ignores F: allow-failback=false)
//        [--no-restart-backup]   (a backup that stepped down exits instead of queuing again)
//        [--die-with-stdin]      (end of stdin = our parent is gone: halt at once, like a crash)
//
// primary: startPrimaryNode (writes F, waits for the primary lock), then activationComplete() on
//          the returned callback (writes L; 2.11+ also starts the lock monitor) — HornetQ: writes L
//          as soon as it has the lock.
// backup:  startBackup (waits for the backup lock), awaitPrimaryNode (takes over on L, backs off on
//          P/F/0/N), releaseBackup; then, like SharedStoreBackupActivation's failback checker, it
//          polls isAwaitingFailback and on F releases the primary lock without writing P
//          (crashPrimaryServer), waits with awaitActiveStatus for the primary (HornetQ: sleeps
//          failback-delay), and queues again.
// One JSON object per stdout line: {"event", "pid", "role", "time", "detail"?}; events: started,
// waiting-live-lock, live, waiting-backup-lock, backup, stepping-down, paused, crashed, stopped,
// lost-lock (2.11+ lock monitor, through NodeManager.registerLockListener), error.
// stdin commands, one a line: pause (pausePrimaryServer: writes P, releases; exit 0), crash
// (crashPrimaryServer: releases, leaves L; exit 0), stop (what a broker's clean stop does: a live
// pauses, a backup just stops; exit 0). SIGTERM does "stop" (as `artemis run` does with
// failover-on-shutdown=false). End of stdin is ignored unless --die-with-stdin.

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

public final class RealNodeManagerDriver {
	private static final String ARTEMIS = "org.apache.activemq.artemis.core.server.";
	private static final String HORNETQ = "org.hornetq.core.server.";
	private static final String LOCK_LISTENER = ARTEMIS + "NodeManager$LockListener";
	/** Whether the native libaio layer loaded, per generation (the broker checks it before choosing AIO). */
	private static final String[][] NATIVE_LOADED = {
		{"org.apache.activemq.artemis.jlibaio.LibaioContext", "isLoaded"},
		{"org.hornetq.core.asyncio.impl.AsynchronousFileImpl", "isLoaded"},
	};
	private static final long PID = ProcessHandle.current().pid();

	private final File directory;
	private final boolean allowFailback;
	private final boolean restartBackup;
	private final long failbackCheckMs;
	private final long failbackDelayMs;
	private final boolean dieWithStdin;
	private final ScheduledExecutorService pool = Executors.newScheduledThreadPool(2, runnable -> {
		Thread thread = new Thread(runnable, "driver-pool");
		thread.setDaemon(true);
		return thread;
	});
	private final Class<?> managerClass;

	// Guarded by this.
	private Object manager;
	private String role;
	private boolean holdsPrimary;
	private boolean done;
	private ScheduledFuture<?> failbackChecker;

	private RealNodeManagerDriver(File directory, boolean aio, boolean allowFailback, boolean restartBackup, long failbackCheckMs, long failbackDelayMs, boolean dieWithStdin) throws ClassNotFoundException {
		this.directory = directory;
		this.dieWithStdin = dieWithStdin;
		this.allowFailback = allowFailback;
		this.restartBackup = restartBackup;
		this.failbackCheckMs = failbackCheckMs;
		this.failbackDelayMs = failbackDelayMs;
		this.managerClass = managerClass(aio ? "AIOFileLockNodeManager" : "FileLockNodeManager");
	}

	/** Artemis' class if its jar is on the classpath, else HornetQ's. */
	private static Class<?> managerClass(String simpleName) throws ClassNotFoundException {
		try {
			return Class.forName(ARTEMIS + "impl." + simpleName);
		} catch (ClassNotFoundException notArtemis) {
			return Class.forName(HORNETQ + "impl." + simpleName);
		}
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 2) {
			System.err.println("usage: RealNodeManagerDriver primary|live|backup <directory> [--failback-check-ms N] [--no-failback] [--no-restart-backup]");
			System.exit(3);
		}

		String role = args[0].equals("live") ? "primary" : args[0];
		if (!role.equals("primary") && !role.equals("backup")) {
			System.err.println("role must be primary, live or backup");
			System.exit(3);
		}

		boolean aio = false;
		boolean allowFailback = true;
		boolean restartBackup = true;
		long failbackCheckMs = 1000;
		long failbackDelayMs = 5000;
		boolean dieWithStdin = false;
		for (int i = 2; i < args.length; i++) {
			switch (args[i]) {
				case "--aio": aio = true; break;
				case "--no-failback": allowFailback = false; break;
				case "--no-restart-backup": restartBackup = false; break;
				case "--die-with-stdin": dieWithStdin = true; break;
				case "--failback-check-ms": failbackCheckMs = Long.parseLong(args[++i]); break;
				case "--failback-delay-ms": failbackDelayMs = Long.parseLong(args[++i]); break;
				default:
					System.err.println("unknown option " + args[i]);
					System.exit(3);
			}
		}

		if (aio && !nativeLoaded()) {
			System.err.println("--aio: the native libaio layer did not load (libaio installed? the .so on java.library.path?)");
			System.exit(3);
		}

		RealNodeManagerDriver driver = new RealNodeManagerDriver(new File(args[1]), aio, allowFailback, restartBackup, failbackCheckMs, failbackDelayMs, dieWithStdin);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> driver.finish("stop"), "driver-shutdown"));
		driver.readCommands();
		try {
			if (role.equals("primary")) driver.runPrimary();
			else driver.runBackup();
			// Keep serving (every other thread is a daemon) until a command or a signal ends us.
			synchronized (driver) {
				while (!driver.done) driver.wait();
			}
		} catch (Throwable error) {
			Throwable cause = error instanceof InvocationTargetException ? error.getCause() : error;
			synchronized (driver) {
				if (driver.done) return; // stopping closed the channels under a waiting lock call
			}

			driver.emit("error", String.valueOf(cause));
			cause.printStackTrace();
			Runtime.getRuntime().halt(1);
		}
	}

	// --- the two roles -------------------------------------------------------------------------

	private void runPrimary() throws Exception {
		Object nm = newManager("live");
		emit("waiting-live-lock", null);
		Object callback = call(nm, "startPrimaryNode", "startLiveNode");
		synchronized (this) {
			if (done) return;
			holdsPrimary = true;
		}

		// Artemis writes L here; HornetQ's startLiveNode already did (and returned nothing).
		if (callback != null) Class.forName(ARTEMIS + "ActivateCallback").getMethod("activationComplete").invoke(callback);
		emit("live", callback == null ? "L written with the lock (HornetQ)" : null);
	}

	private void runBackup() throws Exception {
		for (;;) {
			Object nm = newManager("backup");
			emit("waiting-backup-lock", null);
			call(nm, "startBackup");
			emit("backup", nodeId(nm));
			call(nm, "awaitPrimaryNode", "awaitLiveNode");
			synchronized (this) {
				if (done) return;
				holdsPrimary = true;
				role = "live";
			}

			call(nm, "releaseBackup");
			emit("live", "took over: primary lock acquired with state L");
			if (!allowFailback) return;
			synchronized (this) {
				failbackChecker = pool.scheduleAtFixedRate(this::checkFailback, failbackCheckMs, failbackCheckMs, TimeUnit.MILLISECONDS);
			}

			// Wait until the checker has stepped down (or the driver stops), then queue again.
			synchronized (this) {
				while (holdsPrimary && !done) wait();
				if (done) return;
			}

			if (has("awaitActiveStatus", "awaitLiveStatus")) {
				call(nm, "awaitActiveStatus", "awaitLiveStatus");
				synchronized (this) {
					if (done) return;
					call(nm, "stop");
				}
			} else {
				// HornetQ: stop, then sleep failback-delay so the returning live gets the lock first.
				synchronized (this) {
					if (done) return;
					call(nm, "stop");
				}

				Thread.sleep(failbackDelayMs);
			}

			if (!restartBackup) {
				emit("stopped", "stepped down; restart-backup is off");
				synchronized (this) {
					done = true;
				}

				System.exit(0);
			}
		}
	}

	/** SharedStoreBackupActivation.FailbackChecker without the cluster-topology wait (there is no cluster). */
	private void checkFailback() {
		try {
			synchronized (this) {
				if (done || !holdsPrimary) return;
				if (!(Boolean) call(manager, "isAwaitingFailback")) return;
				failbackChecker.cancel(false);
				emit("stepping-down", "state F: the primary is failing back");
				call(manager, "crashPrimaryServer", "crashLiveServer");
				holdsPrimary = false;
				role = "backup";
				notifyAll();
			}
		} catch (Throwable error) {
			emit("error", "failback check: " + (error instanceof InvocationTargetException ? error.getCause() : error));
		}
	}

	// --- stopping ------------------------------------------------------------------------------

	private void readCommands() {
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
				for (String line; (line = in.readLine()) != null; ) {
					String command = line.trim();
					if (command.isEmpty()) continue;
					if (!command.equals("pause") && !command.equals("crash") && !command.equals("stop")) {
						emit("error", "unknown command " + command);
						continue;
					}

					finish(command);
					System.exit(0);
				}
			} catch (Exception ignored) {
				// unreadable stdin: as at its end
			}

			// A test runner that died cannot kill us: go as a crashed broker goes (the kernel drops the locks).
			if (dieWithStdin) Runtime.getRuntime().halt(137);
		}, "driver-stdin");
		reader.setDaemon(true);
		reader.start();
	}

	/** pause | crash | stop; once (the shutdown hook calls it again on exit). */
	private synchronized void finish(String how) {
		if (done) return;
		done = true;
		notifyAll();
		if (failbackChecker != null) failbackChecker.cancel(false);
		try {
			if (manager != null && holdsPrimary && how.equals("crash")) {
				call(manager, "crashPrimaryServer", "crashLiveServer");
				emit("crashed", "primary lock released, state left as it was");
			} else if (manager != null && holdsPrimary) {
				call(manager, "pausePrimaryServer", "pauseLiveServer");
				emit("paused", "wrote P, primary lock released");
			} else {
				emit("stopped", null);
			}

			holdsPrimary = false;
			if (manager != null) {
				// Unblocks a lock loop in progress (it then sees a closed channel and we exit).
				call(manager, "interrupt");
				call(manager, "stop");
			}
		} catch (Throwable error) {
			emit("error", "while stopping: " + (error instanceof InvocationTargetException ? error.getCause() : error));
		}
	}

	// --- the node manager, by reflection -------------------------------------------------------

	private Object newManager(String startRole) throws Exception {
		Object nm = construct();

		registerLockListener(nm);
		call(nm, "start");
		synchronized (this) {
			manager = nm;
			role = startRole;
		}

		Package pkg = managerClass.getPackage();
		String version = pkg == null ? null : pkg.getImplementationVersion();
		String jar = managerClass.getProtectionDomain().getCodeSource().getLocation().getPath();
		emit("started", managerClass.getName() + " " + (version == null ? "?" : version) + " (" + new File(jar).getName() + "), node id " + nodeId(nm));
		return nm;
	}

	/** The richest constructor this version has (the lock monitor needs the scheduled pool). */
	private Object construct() throws Exception {
		Class<?> configuration = null;
		try {
			configuration = Class.forName(ARTEMIS.replace("server.", "config.Configuration"));
		} catch (ClassNotFoundException notArtemis) {
			// HornetQ
		}

		if (configuration != null) {
			try {
				// 2.50+: the lock monitor's pool comes with a Configuration (its lock timeouts are read).
				return managerClass.getConstructor(File.class, boolean.class, configuration, ScheduledExecutorService.class)
					.newInstance(directory, false, defaultConfiguration(configuration), pool);
			} catch (NoSuchMethodException olderThan250) {
				// next
			}
		}

		Object[][] tries = {
			{new Class<?>[] {File.class, boolean.class, ScheduledExecutorService.class}, new Object[] {directory, false, pool}}, // 2.11–2.4x
			{new Class<?>[] {File.class, boolean.class}, new Object[] {directory, false}}, // Artemis ≤ 2.10
			{new Class<?>[] {String.class, boolean.class}, new Object[] {directory.getPath(), false}}, // HornetQ 2.3–2.4
			{new Class<?>[] {String.class}, new Object[] {directory.getPath()}}, // HornetQ 2.2
		};
		for (Object[] attempt : tries) {
			try {
				return managerClass.getConstructor((Class<?>[]) attempt[0]).newInstance((Object[]) attempt[1]);
			} catch (NoSuchMethodException tryTheNext) {
				// next
			}
		}

		throw new NoSuchMethodException("no known constructor in " + managerClass.getName());
	}

	/**
	 * A Configuration whose every getter answers Artemis' default (ActiveMQDefaultConfiguration's
	 * getDefaultX / isDefaultX), as a broker.xml without those elements would: the node manager
	 * reads its lock acquisition timeout and lock monitor timeout / retries from it.
	 */
	private static Object defaultConfiguration(Class<?> configuration) throws ClassNotFoundException {
		Class<?> defaults = Class.forName("org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration");
		return Proxy.newProxyInstance(configuration.getClassLoader(), new Class<?>[] {configuration}, (proxy, method, arguments) -> {
			String name = method.getName();
			switch (name) {
				case "hashCode": return System.identityHashCode(proxy);
				case "equals": return proxy == arguments[0];
				case "toString": return "RealNodeManagerDriver default configuration";
				default: break;
			}

			String property = name.startsWith("get") ? name.substring(3) : name.startsWith("is") ? name.substring(2) : null;
			if (property != null && (arguments == null || arguments.length == 0)) {
				for (String prefix : new String[] {"getDefault", "isDefault"}) {
					try {
						return defaults.getMethod(prefix + property).invoke(null);
					} catch (NoSuchMethodException tryTheOther) {
						// next
					}
				}
			}

			throw new UnsupportedOperationException("RealNodeManagerDriver configuration has no " + name);
		});
	}

	private static boolean nativeLoaded() {
		for (String[] probe : NATIVE_LOADED) {
			try {
				return (Boolean) Class.forName(probe[0]).getMethod(probe[1]).invoke(null);
			} catch (ClassNotFoundException notThisGeneration) {
				// next
			} catch (ReflectiveOperationException | LinkageError error) {
				return false;
			}
		}

		return false;
	}

	private boolean has(String... names) {
		for (String name : names) {
			try {
				managerClass.getMethod(name);
				return true;
			} catch (NoSuchMethodException tryTheNextName) {
				// next
			}
		}

		return false;
	}

	/** 2.11+: the lock monitor calls this when it finds the primary lock lost ("Lost NodeManager lock"). */
	private void registerLockListener(Object nm) {
		Class<?> listenerType;
		try {
			listenerType = Class.forName(LOCK_LISTENER);
		} catch (ClassNotFoundException olderThan211) {
			return;
		}

		Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType}, (proxy, method, arguments) -> {
			switch (method.getName()) {
				case "lostLock":
					emit("lost-lock", "Lost NodeManager lock (FileLockNodeManager lock monitor)");
					// A broker stops on this critical I/O error; so do we, without writing anything.
					Runtime.getRuntime().halt(2);
					return null;
				case "hashCode": return System.identityHashCode(proxy);
				case "equals": return proxy == arguments[0];
				default: return "RealNodeManagerDriver lock listener";
			}
		});
		try {
			for (Method method : managerClass.getMethods()) {
				if (method.getName().equals("registerLockListener")) {
					method.invoke(nm, listener);
					return;
				}
			}
		} catch (ReflectiveOperationException error) {
			throw new IllegalStateException(error);
		}
	}

	private static String nodeId(Object nm) {
		try {
			Object id = nm.getClass().getMethod("getNodeId").invoke(nm);
			return id == null ? null : id.toString();
		} catch (ReflectiveOperationException error) {
			return null;
		}
	}

	/** Calls the first of these no-argument methods the class has (newer name first). */
	private Object call(Object target, String... names) throws Exception {
		for (String name : names) {
			Method method;
			try {
				method = managerClass.getMethod(name);
			} catch (NoSuchMethodException tryTheNextName) {
				continue;
			}

			try {
				return method.invoke(target);
			} catch (InvocationTargetException error) {
				if (error.getCause() instanceof Exception) throw (Exception) error.getCause();
				throw error;
			}
		}

		throw new NoSuchMethodException(String.join(" / ", names) + " in " + managerClass.getName());
	}

	// --- output --------------------------------------------------------------------------------

	private void emit(String event, String detail) {
		String currentRole;
		synchronized (this) {
			currentRole = role;
		}

		StringBuilder line = new StringBuilder(160).append("{\"event\":").append(quote(event)).append(",\"pid\":").append(PID)
			.append(",\"role\":").append(quote(currentRole)).append(",\"time\":").append(System.currentTimeMillis());
		if (detail != null) line.append(",\"detail\":").append(quote(detail));
		synchronized (System.out) {
			System.out.println(line.append('}'));
			System.out.flush();
		}
	}

	private static String quote(String text) {
		if (text == null) return "null";
		StringBuilder out = new StringBuilder(text.length() + 2).append('"');
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') out.append('\\').append(c);
			else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
			else out.append(c);
		}

		return out.append('"').toString();
	}
}
