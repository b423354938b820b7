/** The switch's key, each network's key and allow-list, and the join tokens that hand them to vports. */
package dev.vswitch.server.keys;
