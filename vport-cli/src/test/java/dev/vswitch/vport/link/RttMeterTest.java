package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Keepalive round trips, on a clock the test sets. */
class RttMeterTest {

    private static final long MS = 1_000_000;

    private final RttMeter meter = new RttMeter();

    @Test
    void nothingIsMeasuredBeforeTheFirstReply() {
        RttMeter.Reading reading = meter.reading();
        assertFalse(reading.measured());
        assertTrue(Double.isNaN(reading.lastMillis()));
        assertTrue(Double.isNaN(reading.smoothedMillis()));
        meter.requestSent(0);
        assertFalse(meter.reading().measured(), "a request alone measures nothing");
    }

    @Test
    void aReplyMeasuresTheTimeSinceItsRequestAndTheFirstSampleIsTheAverage() {
        meter.requestSent(1_000 * MS);
        meter.replyReceived(1_000 * MS + 400_000);
        RttMeter.Reading reading = meter.reading();
        assertEquals(1, reading.samples());
        assertEquals(0.4, reading.lastMillis(), 1e-9);
        assertEquals(0.4, reading.smoothedMillis(), 1e-9);
    }

    @Test
    void theAverageMovesAnEighthOfTheWayTowardsEachNewSample() {
        sample(0, 8 * MS);
        sample(5_000 * MS, 16 * MS);
        RttMeter.Reading reading = meter.reading();
        assertEquals(16.0, reading.lastMillis(), 1e-9);
        assertEquals(8.0 + (16.0 - 8.0) / 8, reading.smoothedMillis(), 1e-9);
        sample(10_000 * MS, 0);
        assertEquals(9.0 - 9.0 / 8, meter.reading().smoothedMillis(), 1e-9);
        assertEquals(3, meter.reading().samples());
    }

    @Test
    void aReplyWithoutAnOutstandingRequestIsNotMeasured() {
        sample(0, 2 * MS);
        meter.replyReceived(10 * MS); // a duplicate
        assertEquals(1, meter.reading().samples());
        assertEquals(2.0, meter.reading().lastMillis(), 1e-9);
    }

    @Test
    void aRequestThatWasNotSentExpectsNoReply() {
        meter.requestSent(0);
        meter.requestFailed();
        meter.replyReceived(3 * MS);
        assertFalse(meter.reading().measured());
    }

    @Test
    void aLostRequestIsForgottenWhenTheNextIsSent() {
        meter.requestSent(0); // lost on the way
        meter.requestSent(5_000 * MS);
        meter.replyReceived(5_000 * MS + MS);
        assertEquals(1.0, meter.reading().lastMillis(), 1e-9, "measured from the newest request");
    }

    @Test
    void aClockThatWentBackwardsGivesNoSample() {
        meter.requestSent(10 * MS);
        meter.replyReceived(5 * MS);
        assertFalse(meter.reading().measured());
    }

    private void sample(long sentNanos, long rttNanos) {
        meter.requestSent(sentNanos);
        meter.replyReceived(sentNanos + rttNanos);
    }
}
