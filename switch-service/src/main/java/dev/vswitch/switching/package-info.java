/**
 * The switching core: MAC learning, forwarding decisions, flood and storm limits, port and MAC ageing, for one network.
 * Pure code (no I/O, no framework, time passed in), so it is tested and fuzzed directly; {@code ArchitectureTest} keeps
 * it that way.
 */
package dev.vswitch.switching;
