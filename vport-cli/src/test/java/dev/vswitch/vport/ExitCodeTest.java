package dev.vswitch.vport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void codesAreDistinctAndMatchTheDocumentedNumbers() {
        assertEquals(ExitCode.values().length, Arrays.stream(ExitCode.values()).mapToInt(ExitCode::code).distinct().count());
        assertEquals(0, ExitCode.OK.code());
        assertEquals(1, ExitCode.RUNTIME_ERROR.code());
        assertEquals(2, ExitCode.USAGE.code());
        assertEquals(3, ExitCode.NOT_PERMITTED.code());
        assertEquals(4, ExitCode.NO_TUN_DEVICE.code());
        assertEquals(5, ExitCode.TAP_UNAVAILABLE.code());
        assertEquals(6, ExitCode.BAD_VALUE.code());
        assertEquals(7, ExitCode.UNKNOWN_HOST.code());
        assertEquals(8, ExitCode.TIMED_OUT.code());
        assertEquals(9, ExitCode.BAD_CREDENTIALS.code());
        assertEquals(10, ExitCode.KEY_EXISTS.code());
        assertEquals(11, ExitCode.NOT_CONNECTED.code());
        assertEquals(12, ExitCode.NOT_RUNNING.code());
    }

    @Test
    void statusEndsWithItsOwnCodesAndNoneOfTheTapOnes() {
        assertEquals(java.util.List.of(ExitCode.OK, ExitCode.RUNTIME_ERROR, ExitCode.USAGE, ExitCode.BAD_VALUE, ExitCode.NOT_CONNECTED,
                ExitCode.NOT_RUNNING), ExitCode.forStatus());
        assertFalse(ExitCode.forConnect().contains(ExitCode.NOT_CONNECTED));
        assertFalse(ExitCode.forConnect().contains(ExitCode.NOT_RUNNING));
    }

    @Test
    void keyCommandsEndWithKeyCodesOnly() {
        assertTrue(ExitCode.forKeys().contains(ExitCode.BAD_CREDENTIALS));
        assertTrue(ExitCode.forKeys().contains(ExitCode.KEY_EXISTS));
        assertFalse(ExitCode.forKeys().contains(ExitCode.NOT_PERMITTED));
        assertTrue(ExitCode.forConnect().contains(ExitCode.BAD_CREDENTIALS));
        assertFalse(ExitCode.forConnect().contains(ExitCode.KEY_EXISTS));
        assertFalse(ExitCode.forTransfer().contains(ExitCode.BAD_CREDENTIALS));
    }

    @Test
    void transferNeverMentionsTapFailuresAndConnectNeverTimesOut() {
        assertFalse(ExitCode.forTransfer().contains(ExitCode.NOT_PERMITTED));
        assertFalse(ExitCode.forTransfer().contains(ExitCode.TAP_UNAVAILABLE));
        assertTrue(ExitCode.forTransfer().contains(ExitCode.TIMED_OUT));
        assertFalse(ExitCode.forConnect().contains(ExitCode.TIMED_OUT));
        assertTrue(ExitCode.forConnect().contains(ExitCode.NO_TUN_DEVICE));
    }
}
