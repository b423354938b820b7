/** Keys as text (base64), key files (0600, written atomically) and join tokens, which hand a vport everything it needs. */
package dev.vswitch.protocol.keys;
