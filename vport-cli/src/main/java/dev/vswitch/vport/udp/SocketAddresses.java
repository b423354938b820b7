package dev.vswitch.vport.udp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code struct sockaddr_in} (16 bytes) and {@code sockaddr_in6} (28) in direct buffers: the family in host order, the
 * port in network order, then the address (IPv6: after a 4-byte flow label, followed by the scope id). Only for opening
 * and asking a socket's address, never per datagram.
 */
final class SocketAddresses {

    /** Room for either; what {@code getsockname} writes into. */
    static final int MAX_LENGTH = 28;

    private SocketAddresses() {
    }

    static int family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? SocketLibC.AF_INET6 : SocketLibC.AF_INET;
    }

    /** The resolved {@code address} as a sockaddr, from 0 to its length. */
    static ByteBuffer encode(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        boolean ipv6 = ip.length == 16;
        ByteBuffer sockaddr = ByteBuffer.allocateDirect(ipv6 ? 28 : 16).order(ByteOrder.nativeOrder());
        sockaddr.putShort(0, (short) family(address));
        sockaddr.put(2, (byte) (address.getPort() >> 8)).put(3, (byte) address.getPort());
        sockaddr.put(ipv6 ? 8 : 4, ip);
        if (ipv6) {
            sockaddr.putInt(24, ((Inet6Address) address.getAddress()).getScopeId()); // a link-local address needs its interface
        }
        return sockaddr;
    }

    static InetSocketAddress decode(ByteBuffer sockaddr) {
        boolean ipv6 = sockaddr.getShort(0) == SocketLibC.AF_INET6;
        byte[] ip = new byte[ipv6 ? 16 : 4];
        sockaddr.get(ipv6 ? 8 : 4, ip);
        int port = (sockaddr.get(2) & 0xff) << 8 | sockaddr.get(3) & 0xff;
        try {
            InetAddress address = ipv6 ? Inet6Address.getByAddress(null, ip, sockaddr.getInt(24)) : Inet4Address.getByAddress(ip);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the kernel returned an address of " + Arrays.toString(ip), e);
        }
    }
}
