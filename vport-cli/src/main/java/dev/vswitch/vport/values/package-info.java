/** Checked values of the command line: host and port, IPv4 CIDR, interface name. */
package dev.vswitch.vport.values;
