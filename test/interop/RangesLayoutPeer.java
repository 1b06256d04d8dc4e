// A hand-written ranges-layout Java peer, NOT Artemis: it takes 1-byte POSIX fcntl locks at
// bytes 1 (live) and 2 (backup) of server.lock (FileChannel.tryLock(pos, 1, false), polled), writes
// the state byte with a 1-byte positional write + force, and creates the file with '0','0','0' and
// a 16-byte id. That is the ranges layout of HornetQ and Artemis <= 2.9 (it takes no state lock
// at byte 0, as HornetQ); no Artemis release since 2.10 locks like this. The real Artemis code is
// tested in real-*.test.ts. Written for ha-tui's tests; no dependencies, one file.
//
//   java RangesLayoutPeer live   <server.lock>   write F, wait for the live lock, write L, "LIVE <pid>"
//   java RangesLayoutPeer backup <server.lock>   wait for the backup lock ("BACKUP <pid>"), then
//                                                take over on L ("LIVE <pid>"), back off on P/F/0/N
//                                                (on P or F, after letting go of the live lock: "BACKING-OFF <state> <pid>")
// SIGTERM on a live writes P (clean stop) from a shutdown hook; SIGKILL leaves L (a crash).
// Optional third argument: the lock poll period in ms (default 50; Artemis polls every 500).

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.security.SecureRandom;

public final class RangesLayoutPeer {
	private static final int LIVE_POS = 1;
	private static final int BACKUP_POS = 2;
	private static final int ID_POS = 3;
	private static final int ID_LENGTH = 16;
	private static final byte FIRST_START = '0';
	private static final byte NOT_STARTED = 'N';
	private static final byte LIVE = 'L';
	private static final byte PAUSED = 'P';
	private static final byte FAILING_BACK = 'F';

	private static final long PID = ProcessHandle.current().pid();

	private final FileChannel channel;
	private final long pollMs;
	private volatile FileLock liveLock;
	private volatile FileLock backupLock;
	private volatile boolean live;

	private RangesLayoutPeer(FileChannel channel, long pollMs) {
		this.channel = channel;
		this.pollMs = pollMs;
	}

	private static void say(String line) {
		System.out.println(line);
		System.out.flush();
	}

	/** Opens (creating when missing) the lock file; fills in a node id only when there is none. */
	private static FileChannel open(File file) throws IOException {
		boolean created = false;
		if (!file.exists()) created = file.createNewFile();
		@SuppressWarnings("resource")
		FileChannel channel = new RandomAccessFile(file, "rw").getChannel();
		if (created) {
			ByteBuffer first = ByteBuffer.wrap(new byte[] {FIRST_START, FIRST_START, FIRST_START});
			while (first.hasRemaining()) channel.write(first, first.position());
			channel.force(true);
		}

		ByteBuffer id = ByteBuffer.allocate(ID_LENGTH);
		int read = 0;
		while (id.hasRemaining()) {
			int n = channel.read(id, ID_POS + id.position());
			if (n <= 0) break;
			read += n;
		}

		if (read != ID_LENGTH) {
			byte[] bytes = new byte[ID_LENGTH];
			new SecureRandom().nextBytes(bytes);
			bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // a version-4 UUID
			bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
			ByteBuffer fresh = ByteBuffer.wrap(bytes);
			while (fresh.hasRemaining()) channel.write(fresh, ID_POS + fresh.position());
			channel.force(true);
		}

		return channel;
	}

	private byte readState() throws IOException {
		ByteBuffer one = ByteBuffer.allocate(1);
		return channel.read(one, 0) <= 0 ? NOT_STARTED : one.get(0);
	}

	private void writeState(byte state) throws IOException {
		ByteBuffer one = ByteBuffer.allocateDirect(1);
		one.put(0, state);
		channel.write(one, 0);
		channel.force(true);
	}

	private FileLock tryLock(int pos) throws IOException {
		try {
			return channel.tryLock(pos, 1, false);
		} catch (OverlappingFileLockException alreadyOurs) {
			return null;
		}
	}

	/** Polls tryLock until it succeeds, as FileLockNodeManager.lock does. */
	private FileLock lock(int pos) throws IOException, InterruptedException {
		for (;;) {
			FileLock lock = tryLock(pos);
			if (lock != null) return lock;
			Thread.sleep(pollMs);
		}
	}

	private void becomeLive() {
		live = true;
		say("LIVE " + PID);
	}

	/** Clean stop of a live: P, then let go of the live lock (pauseLiveServer). */
	private void pause() {
		if (!live) return;
		live = false;
		try {
			writeState(PAUSED);
			FileLock lock = liveLock;
			if (lock != null && lock.isValid()) lock.release();
			say("PAUSED " + PID);
		} catch (IOException e) {
			System.err.println("pause failed: " + e);
		}
	}

	private void runLive() throws Exception {
		writeState(FAILING_BACK); // startLiveNode: announce failback first
		say("WAITING-LIVE " + PID);
		liveLock = lock(LIVE_POS);
		writeState(LIVE); // activationComplete
		becomeLive();
	}

	private void runBackup() throws Exception {
		say("WAITING-BACKUP " + PID);
		backupLock = lock(BACKUP_POS);
		say("BACKUP " + PID);
		for (;;) {
			byte state = readState();
			while (state == NOT_STARTED || state == FIRST_START) {
				Thread.sleep(200);
				state = readState();
			}

			FileLock lock = lock(LIVE_POS);
			state = readState();
			if (state == LIVE) {
				liveLock = lock;
				backupLock.release();
				backupLock = null;
				becomeLive();
				return;
			}

			// P (clean stop) or F (failback): do not take over. Said, so that a test can wait for
			// this decision instead of sleeping and hoping it was made.
			lock.release();
			say("BACKING-OFF " + (char) state + " " + PID);
			Thread.sleep(200);
		}
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 2 || !(args[0].equals("live") || args[0].equals("backup"))) {
			System.err.println("usage: java RangesLayoutPeer live|backup <server.lock> [poll-ms]");
			System.exit(64);
		}

		long pollMs = args.length > 2 ? Long.parseLong(args[2]) : 50;
		File file = new File(args[1]);
		if (file.isDirectory()) file = new File(file, "server.lock");
		RangesLayoutPeer node = new RangesLayoutPeer(open(file), pollMs);
		Runtime.getRuntime().addShutdownHook(new Thread(node::pause, "pause-on-shutdown"));
		say("STARTED " + PID);
		if (args[0].equals("live")) node.runLive();
		else node.runBackup();
		// Stay live until killed: SIGTERM runs the shutdown hook (P), SIGKILL leaves L.
		for (;;) Thread.sleep(60_000);
	}
}
