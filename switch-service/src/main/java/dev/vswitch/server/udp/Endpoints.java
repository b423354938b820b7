package dev.vswitch.server.udp;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** How logs, metrics and the API write a UDP endpoint: {@code 192.0.2.1:9999}, {@code [2001:db8::1]:9999}. */
public final class Endpoints {

    private Endpoints() {
    }

    public static String text(InetSocketAddress endpoint) {
        String host = endpoint.getAddress() != null ? endpoint.getAddress().getHostAddress() : endpoint.getHostString();
        return (endpoint.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }
}
