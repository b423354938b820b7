package dev.vswitch.vport.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.testing.LogCapture;
import dev.vswitch.vport.values.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status files on disk: replaced whole, readable by everyone, listed, removed only by their owner. */
class StatusDirectoryTest {

    private static final long OUR_PID = ProcessHandle.current().pid();
    /** The publisher writes once a second on its own thread; its files are watched in this one. */
    private static final ConditionFactory WAIT = Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(20)).pollInSameThread();

    @TempDir
    Path dir;

    @Test
    void writesTheFileWholeWithMode0644AndTheDirectoryIfMissing() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir.resolve("run/vport"));
        VportStatus status = status("tapyuan", OUR_PID, Instant.now());
        directory.write(status);
        Path file = dir.resolve("run/vport/tapyuan.json");
        assertEquals(StatusJson.write(status), Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left");
        }

        directory.write(status("tapyuan", OUR_PID, Instant.now()));
        Optional<StatusDirectory.Entry> entry = directory.read("tapyuan");
        assertTrue(entry.isPresent());
        assertEquals(file, entry.get().file());
        assertEquals(Files.readString(file), entry.get().text());
        assertEquals(OUR_PID, entry.get().status().pid());
    }

    @Test
    void aMissingFileIsEmptyAndADamagedOneIsAnError() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir);
        assertEquals(Optional.empty(), directory.read("tapyuan"));
        assertEquals(List.of(), new StatusDirectory(dir.resolve("nowhere")).taps());
        Files.writeString(dir.resolve("tapyuan.json"), "{\"tap\": ");
        assertThrows(IllegalArgumentException.class, () -> directory.read("tapyuan"));
    }

    @Test
    void listsTheTapsWithAStatusFileAndNothingElse() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir);
        directory.write(status("vswb", OUR_PID, Instant.now()));
        directory.write(status("vswa", OUR_PID, Instant.now()));
        Files.writeString(dir.resolve(".vswc.json.77.tmp"), "half");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve(".json"), "x");
        Files.createDirectory(dir.resolve("sub.json"));
        Files.createSymbolicLink(dir.resolve("link.json"), dir.resolve("vswa.json"));
        assertEquals(List.of("vswa", "vswb"), directory.taps());
        assertEquals(Optional.empty(), directory.read("link"), "a symbolic link is not a status file");
    }

    @Test
    void removesOnlyItsOwnFile() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir);
        directory.write(status("tapyuan", 12345, Instant.now()));
        assertFalse(directory.removeOwn("tapyuan", OUR_PID), "another vport's file stays");
        assertTrue(Files.exists(dir.resolve("tapyuan.json")));
        assertTrue(directory.removeOwn("tapyuan", 12345));
        assertFalse(Files.exists(dir.resolve("tapyuan.json")));
        assertFalse(directory.removeOwn("tapyuan", 12345), "gone already");
    }

    @Test
    void aVportRunsWhileItsProcessLivesAndIsTheOneThatWroteTheFile() throws Exception {
        assertTrue(StatusDirectory.isRunning(status("tapyuan", OUR_PID, Instant.now())));
        assertFalse(StatusDirectory.isRunning(status("tapyuan", OUR_PID, Instant.parse("2000-01-01T00:00:00Z"))),
                "a process that started after the vport is another one that got the pid later");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        assertFalse(StatusDirectory.isRunning(status("tapyuan", ended.pid(), Instant.now())));
    }

    @Test
    void thePublisherWritesEverySecondAndRemovesTheFileWhenClosed() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir.resolve("status"));
        Instant started = Instant.now();
        AtomicInteger calls = new AtomicInteger();
        StatusPublisher publisher = StatusPublisher.start(directory, "tapyuan", OUR_PID, () -> {
            calls.incrementAndGet();
            return status("tapyuan", OUR_PID, started);
        });
        try {
            WAIT.alias("the first write").until(() -> Files.exists(directory.fileOf("tapyuan")));
            assertEquals(dir.resolve("status/tapyuan.json"), publisher.file());
            WAIT.alias("written again after a second").until(() -> calls.get() >= 2);
        } finally {
            publisher.close();
        }
        assertFalse(Files.exists(directory.fileOf("tapyuan")), "removed at stop");
    }

    @Test
    void aFileOfAnotherRunningVportIsLeftAlone() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir);
        long otherPid = ProcessHandle.current().parent().orElseThrow().pid();
        directory.write(status("tapyuan", otherPid, Instant.now()));
        String theirs = Files.readString(dir.resolve("tapyuan.json"));
        AtomicInteger calls = new AtomicInteger();
        try (LogCapture log = new LogCapture(StatusPublisher.class);
                StatusPublisher publisher = StatusPublisher.start(directory, "tapyuan", OUR_PID, () -> {
                    calls.incrementAndGet();
                    return status("tapyuan", OUR_PID, Instant.now());
                })) {
            // The publisher decides before start() returns; had it scheduled a write, its first would run at once.
            assertEquals(1, log.count("status file " + publisher.file() + " belongs to vport " + otherPid + ", which still runs"),
                    log.lines.toString());
            assertEquals(theirs, Files.readString(publisher.file()));
        }
        assertEquals(0, calls.get(), "no status was even taken");
        assertEquals(theirs, Files.readString(dir.resolve("tapyuan.json")), "and not removed at stop");
    }

    @Test
    void aFileLeftByAVportThatEndedIsTakenOver() throws Exception {
        StatusDirectory directory = new StatusDirectory(dir);
        directory.write(status("tapyuan", OUR_PID, Instant.parse("2000-01-01T00:00:00Z")));
        try (StatusPublisher publisher = StatusPublisher.start(directory, "tapyuan", OUR_PID + 1_000_000,
                () -> status("tapyuan", OUR_PID + 1_000_000, Instant.now()))) {
            WAIT.alias("the file taken over by " + (OUR_PID + 1_000_000))
                    .until(() -> directory.read("tapyuan").map(entry -> entry.status().pid() == OUR_PID + 1_000_000).orElse(false));
        }
        assertFalse(Files.exists(dir.resolve("tapyuan.json")));
    }

    @Test
    void aDirectoryThatCannotBeWrittenDoesNotStopTheVport() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        StatusDirectory directory = new StatusDirectory(notADirectory.resolve("vport"));
        try (LogCapture log = new LogCapture(StatusPublisher.class);
                StatusPublisher publisher = StatusPublisher.start(directory, "tapyuan", OUR_PID, () -> status("tapyuan", OUR_PID, Instant.now()))) {
            WAIT.alias("the write was tried and failed").until(() -> log.count("cannot write status file " + publisher.file()) == 1);
            assertFalse(Files.exists(publisher.file()));
        }
    }


    static VportStatus status(String tap, long pid, Instant startedAt) {
        try {
            VportStatus.Identity identity = new VportStatus.Identity(tap, VportStatus.Mode.SECURE, HostPort.parse("198.18.1.1:9999"),
                    "lab", pid, startedAt);
            LinkState link = new LinkState(true, LinkState.Phase.CONNECTED, new InetSocketAddress(InetAddress.getByName("198.18.1.1"), 9999),
                    Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(3), new RttMeter.Reading(0.4, 0.4, 1));
            return VportStatus.of(identity, link, new LinkCounters(), Instant.now());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
