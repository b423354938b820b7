/**
 * The vport: a TAP device bridged to the switch. Its exit codes and the exception that carries one live here; the
 * command line is {@code cli}, the TAP device {@code tap}, the two wire formats {@code secure} and {@code plain} over
 * what they share in {@code link}, and {@code status} publishes what a running vport is doing.
 */
package dev.vswitch.vport;
