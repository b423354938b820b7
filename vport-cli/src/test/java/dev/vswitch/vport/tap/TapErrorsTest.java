package dev.vswitch.vport.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import org.junit.jupiter.api.Test;

class TapErrorsTest {

    @Test
    void openingTunWithoutTheDriverSaysModprobe() {
        for (int errno : new int[] {LibC.ENOENT, LibC.ENODEV, LibC.ENXIO}) {
            VportException e = TapErrors.openFailed(errno);
            assertEquals(ExitCode.NO_TUN_DEVICE, e.exitCode());
            assertTrue(e.getMessage().contains("modprobe tun"), e.getMessage());
        }
    }

    @Test
    void missingPrivilegeSaysSudoOrSetcap() {
        for (VportException e : new VportException[] {
            TapErrors.openFailed(LibC.EACCES), TapErrors.openFailed(LibC.EPERM),
            TapErrors.createFailed("tapyuan", LibC.EPERM), TapErrors.createFailed("tapyuan", LibC.EACCES),
            TapErrors.configFailed("set the MTU of", "tapyuan", LibC.EPERM)}) {
            assertEquals(ExitCode.NOT_PERMITTED, e.exitCode());
            assertTrue(e.getMessage().contains("sudo"), e.getMessage());
            assertTrue(e.getMessage().contains("--ambient-caps=+net_admin"), e.getMessage());
        }
    }

    @Test
    void aTakenNameIsExit5WithTheReason() {
        VportException busy = TapErrors.createFailed("tapyuan", LibC.EBUSY);
        assertEquals(ExitCode.TAP_UNAVAILABLE, busy.exitCode());
        assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
        VportException notTap = TapErrors.createFailed("eth0", LibC.EINVAL);
        assertEquals(ExitCode.TAP_UNAVAILABLE, notTap.exitCode());
        assertTrue(notTap.getMessage().contains("eth0 already exists and is not a TAP"), notTap.getMessage());
    }

    @Test
    void otherErrnosAreRuntimeErrorsNamingTheSystemsReason() {
        VportException e = TapErrors.configFailed("set the MTU of", "tapyuan", LibC.EINVAL);
        assertEquals(ExitCode.RUNTIME_ERROR, e.exitCode());
        assertEquals("cannot set the MTU of tapyuan: Invalid argument", e.getMessage());
        assertEquals(ExitCode.RUNTIME_ERROR, TapErrors.openFailed(LibC.EINTR).exitCode());
    }
}
