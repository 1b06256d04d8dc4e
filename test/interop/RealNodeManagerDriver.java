// Drives the REAL org.apache.activemq.artemis.core.server.impl.FileLockNodeManager of whichever
// artemis-server jar is on the classpath (tested with 2.9.0 and 2.40.0), the way a broker's
// shared-store activation does, so ha-tui can be tested against Artemis' own lock code.
// Reflection only: this file compiles against the JDK alone, and copes with the renames between
// versions (startLiveNode → startPrimaryNode, awaitLiveNode → awaitPrimaryNode, pauseLiveServer →
// pausePrimaryServer, crashLiveServer → crashPrimaryServer) and the constructors (2.40 takes a
// ScheduledExecutorService for its lock monitor).
//
//   java -cp <driver dir>:<artemis classpath> RealNodeManagerDriver primary|live|backup <directory>
//        [--failback-check-ms N] (default 1000, Artemis' failback checker period)
//        [--no-failback]         (an activated backup ignores F: allow-failback=false)
//        [--no-restart-backup]   (a backup that stepped down exits instead of queuing again)
//        [--die-with-stdin]      (end of stdin = our parent is gone: halt at once, like a crash)
//
// primary: startPrimaryNode (writes F, waits for the primary lock), then activationComplete() on
//          the returned callback (writes L; 2.11+ also starts the lock monitor).
// backup:  startBackup (waits for the backup lock), awaitPrimaryNode (takes over on L, backs off on
//          P/F/0/N), releaseBackup; then, like SharedStoreBackupActivation's failback checker, it
//          polls isAwaitingFailback and on F releases the primary lock without writing P
//          (crashPrimaryServer), waits with awaitActiveStatus for the primary, and queues again.
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
	private static final String NODE_MANAGER = "org.apache.activemq.artemis.core.server.impl.FileLockNodeManager";
	private static final String ACTIVATE_CALLBACK = "org.apache.activemq.artemis.core.server.ActivateCallback";
	private static final String LOCK_LISTENER = "org.apache.activemq.artemis.core.server.NodeManager$LockListener";
	private static final long PID = ProcessHandle.current().pid();

	private final File directory;
	private final boolean allowFailback;
	private final boolean restartBackup;
	private final long failbackCheckMs;
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

	private RealNodeManagerDriver(File directory, boolean allowFailback, boolean restartBackup, long failbackCheckMs, boolean dieWithStdin) throws ClassNotFoundException {
		this.directory = directory;
		this.dieWithStdin = dieWithStdin;
		this.allowFailback = allowFailback;
		this.restartBackup = restartBackup;
		this.failbackCheckMs = failbackCheckMs;
		this.managerClass = Class.forName(NODE_MANAGER);
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

		boolean allowFailback = true;
		boolean restartBackup = true;
		long failbackCheckMs = 1000;
		boolean dieWithStdin = false;
		for (int i = 2; i < args.length; i++) {
			switch (args[i]) {
				case "--no-failback": allowFailback = false; break;
				case "--no-restart-backup": restartBackup = false; break;
				case "--die-with-stdin": dieWithStdin = true; break;
				case "--failback-check-ms": failbackCheckMs = Long.parseLong(args[++i]); break;
				default:
					System.err.println("unknown option " + args[i]);
					System.exit(3);
			}
		}

		RealNodeManagerDriver driver = new RealNodeManagerDriver(new File(args[1]), allowFailback, restartBackup, failbackCheckMs, dieWithStdin);
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

		Class.forName(ACTIVATE_CALLBACK).getMethod("activationComplete").invoke(callback);
		emit("live", null);
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

			call(nm, "awaitActiveStatus", "awaitLiveStatus");
			synchronized (this) {
				if (done) return;
				call(nm, "stop");
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
		Object nm;
		try {
			nm = managerClass.getConstructor(File.class, boolean.class, ScheduledExecutorService.class).newInstance(directory, false, pool);
		} catch (NoSuchMethodException olderThan211) {
			nm = managerClass.getConstructor(File.class, boolean.class).newInstance(directory, false);
		}

		registerLockListener(nm);
		call(nm, "start");
		synchronized (this) {
			manager = nm;
			role = startRole;
		}

		Package pkg = managerClass.getPackage();
		String version = pkg == null ? null : pkg.getImplementationVersion();
		String jar = managerClass.getProtectionDomain().getCodeSource().getLocation().getPath();
		emit("started", "artemis-server " + (version == null ? "?" : version) + " (" + new File(jar).getName() + "), node id " + nodeId(nm));
		return nm;
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
