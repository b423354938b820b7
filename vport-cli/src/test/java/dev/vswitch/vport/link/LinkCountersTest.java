package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkCountersTest {

    @Test
    void summaryCountsEachDirectionAndNamesEachDropReason() {
        LinkCounters counters = new LinkCounters();
        counters.sentToSwitch(100);
        counters.sentToSwitch(60);
        counters.tapWrite(true, 42);
        counters.keepaliveSent();
        counters.keepaliveSent();
        counters.keepaliveReceived();
        counters.drop(LinkCounters.Drop.OVERSIZE);
        counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
        counters.drop(LinkCounters.Drop.SWITCH_UNREACHABLE);
        assertEquals("to switch 2 frames/160 bytes, from switch 1 frames/42 bytes, keepalives 2 sent/1 answered,"
                + " dropped oversize=1 switch-unreachable=2", counters.summary());
    }

    @Test
    void aTapWriteCountsAsDeliveredOrAsAFailedWrite() {
        LinkCounters counters = new LinkCounters();
        assertTrue(counters.tapWrite(true, 42));
        assertFalse(counters.tapWrite(false, 60));
        assertEquals(1, counters.framesFromSwitch());
        assertEquals(42, counters.bytesFromSwitch());
        assertEquals(1, counters.drops(LinkCounters.Drop.TAP_WRITE_FAILED));
    }

    @Test
    void aTapWriteOfJoinedFramesCountsEveryFrameAndTheSummarySaysHowManyWereJoined() {
        LinkCounters counters = new LinkCounters();
        assertTrue(counters.tapWrite(true, 20, 20 * 1400));
        assertTrue(counters.tapWrite(true, 1, 60));
        assertFalse(counters.tapWrite(false, 5, 5 * 1400));
        assertEquals(21, counters.framesFromSwitch());
        assertEquals(20 * 1400 + 60, counters.bytesFromSwitch());
        assertEquals(5, counters.drops(LinkCounters.Drop.TAP_WRITE_FAILED), "every frame of a refused write");
        assertEquals(1, counters.joinedWrites());
        assertEquals(20, counters.joinedFrames());
        assertEquals("to switch 0 frames/0 bytes, from switch 21 frames/28060 bytes, keepalives 0 sent/0 answered,"
                + " joined 20 frames into 1 TAP writes, dropped tap-write-failed=5", counters.summary());
    }

    @Test
    void aQuietRunDropsNone() {
        assertEquals("to switch 0 frames/0 bytes, from switch 0 frames/0 bytes, keepalives 0 sent/0 answered, dropped none",
                new LinkCounters().summary());
    }
}
