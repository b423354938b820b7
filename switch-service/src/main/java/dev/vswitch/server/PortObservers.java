package dev.vswitch.server;

import dev.vswitch.server.capture.Captures;
import dev.vswitch.server.metrics.PortSeries;

/** What watches a UDP port's traffic: latency timings, live captures and per-port metrics series. */
public record PortObservers(PortTimings timings, Captures captures, PortSeries series) {
}
