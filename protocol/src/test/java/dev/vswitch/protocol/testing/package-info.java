/** Test helpers every module shares, through the protocol's test jar. */
package dev.vswitch.protocol.testing;
