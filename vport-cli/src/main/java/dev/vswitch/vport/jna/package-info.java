/**
 * How the vport's libc bindings ({@code tap.LibC}, {@code udp.SocketLibC}) reach C: {@link
 * dev.vswitch.vport.jna.JnaBinding} picks JNA's direct mapping on the JVM and its interface mapping in a native image.
 */
package dev.vswitch.vport.jna;
