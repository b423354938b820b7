/** {@code vport transfer}: a file over TCP across the virtual LAN, with its SHA-256 on both ends and progress. */
package dev.vswitch.vport.transfer;
