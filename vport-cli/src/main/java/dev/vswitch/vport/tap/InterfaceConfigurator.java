package dev.vswitch.vport.tap;

import static dev.vswitch.vport.tap.LibC.LIBC;

import com.sun.jna.Native;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.Ipv4Cidr;

/**
 * Configures a network interface the way {@code ip link} and {@code ip addr} do, but with the classic
 * ioctls on an AF_INET datagram socket, which need nothing beyond libc (no netlink, no helper program).
 */
public final class InterfaceConfigurator implements AutoCloseable {

    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final long SIOCGIFHWADDR = 0x8927;

    private final String name;
    private final int socket;
    private final Ifreq ifreq = new Ifreq();

    private InterfaceConfigurator(String name, int socket) {
        this.name = name;
        this.socket = socket;
    }

    public static InterfaceConfigurator forInterface(String name) {
        int socket = LIBC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (socket < 0) {
            throw new VportException(ExitCode.RUNTIME_ERROR,
                    "cannot open a socket to configure " + name + ": " + TapErrors.describe(Native.getLastError()));
        }
        return new InterfaceConfigurator(name, socket);
    }

    /** Sets the MAC address; the kernel only allows it while the link is down. */
    public void setHardwareAddress(long mac) {
        call(SIOCSIFHWADDR, ifreq.reset(name).hardwareAddress(mac), "set the MAC address of");
    }

    public void setMtu(int mtu) {
        call(SIOCSIFMTU, ifreq.reset(name).mtu(mtu), "set the MTU of");
    }

    /** Assigns the address, then the netmask; the kernel derives the broadcast address from both. */
    public void setIpv4(Ipv4Cidr cidr) {
        call(SIOCSIFADDR, ifreq.reset(name).ipv4(cidr.address()), "set the IPv4 address of");
        call(SIOCSIFNETMASK, ifreq.reset(name).ipv4(cidr.netmask()), "set the netmask of");
    }

    public void bringUp() {
        call(SIOCGIFFLAGS, ifreq.reset(name), "read the flags of");
        short flags = ifreq.flags();
        call(SIOCSIFFLAGS, ifreq.reset(name).flags((short) (flags | Ifreq.IFF_UP)), "bring up");
    }

    public long hardwareAddress() {
        call(SIOCGIFHWADDR, ifreq.reset(name), "read the MAC address of");
        return ifreq.hardwareAddress();
    }

    @Override
    public void close() {
        LIBC.close(socket);
    }

    private void call(long request, Ifreq filled, String what) {
        if (LIBC.ioctl(socket, request, filled.buffer()) < 0) {
            throw TapErrors.configFailed(what, name, Native.getLastError());
        }
    }
}
