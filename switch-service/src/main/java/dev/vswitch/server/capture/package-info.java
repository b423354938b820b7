/** Live packet capture: frames a network forwards, copied to pcap streams while someone listens. */
package dev.vswitch.server.capture;
