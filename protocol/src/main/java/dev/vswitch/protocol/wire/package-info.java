/**
 * The secure protocol's messages: handshake initiation, response, cookie reply and refusal (with their MACs and
 * timestamps), and the data messages of an established session with its counter and replay window.
 */
package dev.vswitch.protocol.wire;
