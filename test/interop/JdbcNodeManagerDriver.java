// Drives the REAL org.apache.activemq.artemis.core.server.impl.jdbc.JdbcNodeManager (artemis-server +
// artemis-jdbc-store 2.40.0, org.postgresql:postgresql on the classpath) the way a broker's
// shared-store activation does, so ha-tui's JDBC node can be tested against Artemis' own lease code.
// Compiled against that classpath (scripts/fetch-artemis.sh writes it as classpath-jdbc-2.40.0.txt).
//
//   java -cp <driver dir>:<classpath> JdbcNodeManagerDriver primary|backup <jdbc url> <table>
//        [--renew-ms N] (default 4000) [--expiration-ms N] (default 20000)
//        [--failback-check-ms N] (default 1000) [--no-failback] [--die-with-stdin]
//
// primary: startPrimaryNode (writes F, takes the primary lease), activationComplete() (writes L).
// backup:  startBackup (backup lease), awaitPrimaryNode (read state; on L take the primary lease,
//          re-read), releaseBackup; then a failback checker as in SharedStoreBackupActivation: on F
//          it releases the primary lease without writing (crashPrimaryServer) and queues again.
// One JSON object per stdout line: {"event", "pid", "role", "time", "holderId"?, "detail"?}; events:
// started (with the holder id, read from JdbcSharedStateManager by reflection), waiting-live-lock,
// live, waiting-backup-lock, backup, stepping-down, paused, crashed, stopped, lost-lock, error.
// stdin commands: pause (writes P, releases), crash (releases leaving L), stop. End of stdin with
// --die-with-stdin: halt at once (a crash: the lease must run out).

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.core.config.storage.DatabaseStorageConfiguration;
import org.apache.activemq.artemis.core.server.ActivateCallback;
import org.apache.activemq.artemis.core.server.NodeManager;
import org.apache.activemq.artemis.core.server.impl.jdbc.JdbcNodeManager;
import org.apache.activemq.artemis.utils.actors.OrderedExecutorFactory;

public final class JdbcNodeManagerDriver {
	private static final long PID = ProcessHandle.current().pid();

	private final String url;
	private final String table;
	private final long renewMs;
	private final long expirationMs;
	private final long failbackCheckMs;
	private final boolean allowFailback;
	private final boolean dieWithStdin;
	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, daemon("driver-scheduler"));
	private final ExecutorService executor = Executors.newCachedThreadPool(daemon("driver-executor"));

	// Guarded by this.
	private JdbcNodeManager manager;
	private String role;
	private String holderId;
	private boolean holdsPrimary;
	private boolean done;
	private ScheduledFuture<?> failbackChecker;

	private JdbcNodeManagerDriver(String url, String table, long renewMs, long expirationMs, long failbackCheckMs, boolean allowFailback, boolean dieWithStdin) {
		this.url = url;
		this.table = table;
		this.renewMs = renewMs;
		this.expirationMs = expirationMs;
		this.failbackCheckMs = failbackCheckMs;
		this.allowFailback = allowFailback;
		this.dieWithStdin = dieWithStdin;
	}

	private static java.util.concurrent.ThreadFactory daemon(String name) {
		return runnable -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 3) {
			System.err.println("usage: JdbcNodeManagerDriver primary|backup <jdbc url> <table> [--renew-ms N] [--expiration-ms N] [--failback-check-ms N] [--no-failback] [--die-with-stdin]");
			System.exit(3);
		}

		String role = args[0].equals("live") ? "primary" : args[0];
		long renewMs = 4000;
		long expirationMs = 20000;
		long failbackCheckMs = 1000;
		boolean allowFailback = true;
		boolean dieWithStdin = false;
		for (int i = 3; i < args.length; i++) {
			switch (args[i]) {
				case "--renew-ms": renewMs = Long.parseLong(args[++i]); break;
				case "--expiration-ms": expirationMs = Long.parseLong(args[++i]); break;
				case "--failback-check-ms": failbackCheckMs = Long.parseLong(args[++i]); break;
				case "--no-failback": allowFailback = false; break;
				case "--die-with-stdin": dieWithStdin = true; break;
				default:
					System.err.println("unknown option " + args[i]);
					System.exit(3);
			}
		}

		JdbcNodeManagerDriver driver = new JdbcNodeManagerDriver(args[1], args[2], renewMs, expirationMs, failbackCheckMs, allowFailback, dieWithStdin);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> driver.finish("stop"), "driver-shutdown"));
		driver.readCommands();
		try {
			if (role.equals("primary")) driver.runPrimary();
			else driver.runBackup();
			synchronized (driver) {
				while (!driver.done) driver.wait();
			}
		} catch (Throwable error) {
			synchronized (driver) {
				if (driver.done) return;
			}

			driver.emit("error", String.valueOf(error));
			error.printStackTrace();
			Runtime.getRuntime().halt(1);
		}
	}

	private void runPrimary() throws Exception {
		JdbcNodeManager nm = newManager("live");
		emit("waiting-live-lock", null);
		ActivateCallback callback = nm.startPrimaryNode();
		synchronized (this) {
			if (done) return;
			holdsPrimary = true;
		}

		callback.activationComplete();
		emit("live", null);
	}

	private void runBackup() throws Exception {
		for (;;) {
			JdbcNodeManager nm = newManager("backup");
			emit("waiting-backup-lock", null);
			nm.startBackup();
			emit("backup", null);
			nm.awaitPrimaryNode();
			synchronized (this) {
				if (done) return;
				holdsPrimary = true;
				role = "live";
			}

			nm.releaseBackup();
			emit("live", "took over: primary lease acquired with state L");
			if (!allowFailback) return;
			synchronized (this) {
				failbackChecker = scheduler.scheduleAtFixedRate(this::checkFailback, failbackCheckMs, failbackCheckMs, TimeUnit.MILLISECONDS);
				while (holdsPrimary && !done) wait();
				if (done) return;
			}

			nm.awaitActiveStatus();
			synchronized (this) {
				if (done) return;
				nm.stop();
			}
		}
	}

	private void checkFailback() {
		try {
			synchronized (this) {
				if (done || !holdsPrimary) return;
				if (!manager.isAwaitingFailback()) return;
				failbackChecker.cancel(false);
				emit("stepping-down", "state F: the primary is failing back");
				manager.crashPrimaryServer();
				holdsPrimary = false;
				role = "backup";
				notifyAll();
			}
		} catch (Throwable error) {
			emit("error", "failback check: " + error);
		}
	}

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
				// as at the end of stdin
			}

			if (dieWithStdin) Runtime.getRuntime().halt(137);
		}, "driver-stdin");
		reader.setDaemon(true);
		reader.start();
	}

	private synchronized void finish(String how) {
		if (done) return;
		done = true;
		notifyAll();
		if (failbackChecker != null) failbackChecker.cancel(false);
		try {
			if (manager != null && holdsPrimary && how.equals("crash")) {
				manager.crashPrimaryServer();
				emit("crashed", "primary lease released, state left as it was");
			} else if (manager != null && holdsPrimary) {
				manager.pausePrimaryServer();
				emit("paused", "wrote P, primary lease released");
			} else {
				emit("stopped", null);
			}

			holdsPrimary = false;
			if (manager != null) {
				manager.interrupt();
				manager.stop();
			}
		} catch (Throwable error) {
			emit("error", "while stopping: " + error);
		}
	}

	private JdbcNodeManager newManager(String startRole) throws Exception {
		DatabaseStorageConfiguration configuration = new DatabaseStorageConfiguration();
		configuration.setJdbcConnectionUrl(url);
		configuration.setJdbcDriverClassName("org.postgresql.Driver");
		configuration.setNodeManagerStoreTableName(table);
		configuration.setJdbcLockRenewPeriodMillis(renewMs);
		configuration.setJdbcLockExpirationMillis(expirationMs);
		JdbcNodeManager nm = JdbcNodeManager.with(configuration, scheduler, new OrderedExecutorFactory(executor));
		nm.registerLockListener(new NodeManager.LockListener() {
			@Override
			public void lostLock() {
				emit("lost-lock", "Lost NodeManager lock (JdbcNodeManager)");
				Runtime.getRuntime().halt(2);
			}
		});
		nm.start();
		String holder = readHolderId(nm);
		synchronized (this) {
			manager = nm;
			role = startRole;
			holderId = holder;
		}

		Package pkg = JdbcNodeManager.class.getPackage();
		String version = pkg == null ? null : pkg.getImplementationVersion();
		emit("started", "artemis-server " + (version == null ? "?" : version) + ", node id " + nm.getNodeId());
		return nm;
	}

	/** The random holder id JdbcSharedStateManager writes into the lease rows (private field). */
	private static String readHolderId(JdbcNodeManager nm) {
		try {
			Field shared = JdbcNodeManager.class.getDeclaredField("sharedStateManager");
			shared.setAccessible(true);
			Object state = shared.get(nm);
			Field holder = state.getClass().getDeclaredField("holderId");
			holder.setAccessible(true);
			return String.valueOf(holder.get(state));
		} catch (ReflectiveOperationException | RuntimeException error) {
			return null;
		}
	}

	private void emit(String event, String detail) {
		String currentRole;
		String holder;
		synchronized (this) {
			currentRole = role;
			holder = holderId;
		}

		StringBuilder line = new StringBuilder(200).append("{\"event\":").append(quote(event)).append(",\"pid\":").append(PID)
			.append(",\"role\":").append(quote(currentRole)).append(",\"time\":").append(System.currentTimeMillis())
			.append(",\"mono\":").append(System.nanoTime() / 1e6);
		if (holder != null) line.append(",\"holderId\":").append(quote(holder));
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
