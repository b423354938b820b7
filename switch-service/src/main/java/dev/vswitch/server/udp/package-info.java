/**
 * The edge to the network: {@link dev.vswitch.server.udp.UdpEdge} owns one UDP socket on one event loop and hands
 * every datagram, with the time it came, to a {@link dev.vswitch.server.udp.DatagramHandler}; handlers send through
 * {@link dev.vswitch.server.udp.DatagramPort}. Nothing here knows the protocol, so a handler runs in a test behind a
 * recording port, without a socket.
 */
package dev.vswitch.server.udp;
