/** The switch's settings ({@code vswitch.*}), with their documented defaults, as one {@code @ConfigMapping}. */
package dev.vswitch.server.config;
