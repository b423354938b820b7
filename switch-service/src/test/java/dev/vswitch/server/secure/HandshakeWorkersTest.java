package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The handshake workers' order: known sources first, then strangers in turn by source; and what a full queue drops. */
class HandshakeWorkersTest {

    private final SecureCounters counters = new SecureCounters();
    private final List<String> served = new CopyOnWriteArrayList<>();

    @Test
    void aNewcomerWaitsOneTurnPerFloodingSourceNotBehindEverythingTheySent() throws Exception {
        CountDownLatch done = new CountDownLatch(1 + 100 * HandshakeWorkers.PER_SOURCE + 1);
        try (HandshakeWorkers workers = new HandshakeWorkers(1, 1000, counters, job -> record(job, done))) {
            for (int round = 0; round < 50; round++) { // each flooding source sends 50, keeps the newest 2
                for (int source = 0; source < 100; source++) {
                    workers.submit(job("flood-" + source), false, "flood-" + source);
                }
            }
            workers.submit(job("newcomer"), false, "newcomer");
            workers.submit(job("member"), true, "member");
            workers.start();
            assertTrue(done.await(10, TimeUnit.SECONDS), "served " + served.size());
        }
        assertEquals("member", served.get(0), "a known source goes first");
        assertEquals(101, served.indexOf("newcomer"), "one turn after each of the 100 flooding sources");
        assertEquals(100 * 48, counters.handshakes(HandshakeResult.BUSY), "each source's older initiations were dropped");
    }

    @Test
    void whenEveryPlaceForANewSourceIsTakenItsInitiationIsDroppedAndCounted() {
        try (HandshakeWorkers workers = new HandshakeWorkers(1, 2, counters, job -> { })) {
            workers.submit(job("a"), false, "a");
            workers.submit(job("b"), false, "b");
            workers.submit(job("c"), false, "c");
            assertEquals(1, counters.handshakes(HandshakeResult.BUSY));
        }
    }

    private void record(HandshakeWorkers.Job job, CountDownLatch done) {
        served.add(job.sender().getHostString());
        done.countDown();
    }

    private static HandshakeWorkers.Job job(String name) {
        return new HandshakeWorkers.Job(new byte[0], InetSocketAddress.createUnresolved(name, 1), 0);
    }
}
