package dev.vswitch.server.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vswitch.protocol.wire.HandshakeRefusal.Reason;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The switch's refusal lines: one per reason per interval, with the count of those not logged, never a secret. */
class RefusalLogTest {

    private static final long SECOND = 1_000_000_000L;

    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog(lines::add);

    @Test
    void aFloodOfOneReasonIsOneLineAnIntervalAndCountsTheRest() {
        for (int i = 0; i < 1000; i++) {
            log.refused(Reason.UNKNOWN_SWITCH_KEY, i * (SECOND / 100), () -> "refused: another switch's key");
        }
        // 10 s of refusals, 100 a second: a line at 0 s and one at 10 s would need an 11th second.
        assertEquals(List.of("refused: another switch's key"), lines);
        log.refused(Reason.UNKNOWN_SWITCH_KEY, 10 * SECOND + 1, () -> "refused: another switch's key");
        assertEquals("refused: another switch's key (and 999 more refused for this reason since the last such line)",
                lines.get(1));
    }

    @Test
    void eachReasonHasItsOwnInterval() {
        log.refused(Reason.UNKNOWN_NETWORK, 0, () -> "unknown network");
        log.refused(Reason.CLIENT_NOT_ALLOWED, 1, () -> "not allowed");
        log.refused(Reason.UNKNOWN_NETWORK, 2, () -> "unknown network again");
        assertEquals(List.of("unknown network", "not allowed"), lines);
    }

    @Test
    void keysShowTheirFirstEightCharactersAndNamesLoseControlCharacters() {
        assertEquals("S9FSSGJZ…", RefusalLog.fingerprint("S9FSSGJZxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzx="));
        assertEquals("lab?x?", RefusalLog.printable("lab\nx'"));
    }
}
