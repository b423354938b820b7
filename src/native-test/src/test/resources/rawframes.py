#!/usr/bin/env python3
"""Sends raw Ethernet frames out of one network interface (a vport's TAP), bounded in count and in time.

Run inside a test's host namespace, as root (AF_PACKET). The frames go out of the TAP, that is, to the vport,
which carries them to the switch like any other frame of that host.

usage: rawframes.py IFACE MODE COUNT SECONDS SEED

MODE macflood  every frame from a new random locally administered unicast source MAC, to one unicast MAC that
               no host has (so a switch without a per-port MAC limit would learn them all and flood them all)
MODE storm     every frame from the interface's own MAC to the broadcast address

COUNT frames are spread evenly over SECONDS (0: as fast as possible); it gives up at 2 * SECONDS + 10 s.
Frames are EtherType 0x88B6 (IEEE local experimental), 60 bytes, so the hosts that get them ignore them.
"""
import errno
import random
import socket
import sys
import time

ETHER_TYPE = b"\x88\xb6"
UNKNOWN_DESTINATION = bytes.fromhex("02000000eeee")
BROADCAST = b"\xff" * 6
PAYLOAD_LENGTH = 46


def random_unicast_mac(rng):
    mac = bytearray(rng.getrandbits(8) for _ in range(6))
    mac[0] = (mac[0] & 0xFC) | 0x02  # unicast, locally administered
    return bytes(mac)


def main():
    iface, mode, count, seconds, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    if mode not in ("macflood", "storm"):
        sys.exit("MODE must be macflood or storm, not " + mode)
    rng = random.Random(seed)
    with open("/sys/class/net/%s/address" % iface) as address:
        own_mac = bytes.fromhex(address.read().strip().replace(":", ""))
    payload = bytes(PAYLOAD_LENGTH)
    gap = seconds / count if seconds > 0 else 0.0
    give_up = 2 * seconds + 10

    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    print("rawframes: sending %d %s frames out of %s over %.1f s" % (count, mode, iface, seconds), flush=True)
    start = time.monotonic()
    sent = refused = 0
    for i in range(count):
        now = time.monotonic()
        if now - start > give_up:
            break
        if mode == "macflood":
            frame = UNKNOWN_DESTINATION + random_unicast_mac(rng) + ETHER_TYPE + payload
        else:
            frame = BROADCAST + own_mac + ETHER_TYPE + payload
        try:
            sock.send(frame)
            sent += 1
        except OSError as e:
            if e.errno != errno.ENOBUFS:  # the interface's queue is full: the frame is lost, as on a wire
                raise
            refused += 1
        wait = start + (i + 1) * gap - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    sock.close()
    print("rawframes: done, sent %d frames, %d refused by a full queue, in %d ms"
          % (sent, refused, (time.monotonic() - start) * 1000), flush=True)


if __name__ == "__main__":
    main()
