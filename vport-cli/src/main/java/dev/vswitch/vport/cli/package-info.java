/**
 * The command line (picocli, Quarkus command mode): {@code connect}, {@code status}, {@code keygen}, {@code pubkey},
 * {@code transfer}; option parsing, config files, help, signals and exit codes. The only package that knows picocli.
 */
package dev.vswitch.vport.cli;
