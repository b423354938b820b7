package dev.vswitch.protocol.ratelimit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenTheRate() {
        TokenBucket bucket = new TokenBucket(10, 5, 0);
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            if (bucket.tryTake(0)) {
                taken++;
            }
        }
        assertEquals(5, taken, "burst");
        taken = 0;
        for (long t = 0; t <= 10 * SECOND; t += SECOND / 1000) {
            if (bucket.tryTake(t)) {
                taken++;
            }
        }
        assertEquals(100, taken, "10 per second for 10 seconds");
    }

    @Test
    void refillsToFullAndNoFurther() {
        TokenBucket bucket = new TokenBucket(1, 3, 0);
        assertTrue(bucket.tryTake(0));
        assertFalse(bucket.isFull(0));
        assertTrue(bucket.isFull(SECOND));
        int taken = 0;
        while (bucket.tryTake(100 * SECOND)) {
            taken++;
        }
        assertEquals(3, taken);
    }
}
